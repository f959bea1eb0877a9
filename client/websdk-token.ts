import type { Client } from '@temporalio/client';
import type { SumsubClient } from '../vendors/sumsub/client';
import { assertCaseOpen } from './kyc-cases';

export interface WebSdkTokenSettings {
  levelName: string;
  ttlSecs: number;
}

/** The level and lifetime of WebSDK tokens, as the API and CLI configure them. */
export function webSdkTokenSettings(config: {
  SUMSUB_LEVEL_NAME: string;
  SUMSUB_WEBSDK_TOKEN_TTL_SECS: number;
}): WebSdkTokenSettings {
  return { levelName: config.SUMSUB_LEVEL_NAME, ttlSecs: config.SUMSUB_WEBSDK_TOKEN_TTL_SECS };
}

export interface WebSdkToken {
  userId: string;
  token: string;
  expiresInSecs: number;
}

/**
 * A SumSub WebSDK access token for the partner's frontend, minted only while the user's case runs (an ended
 * case needs no verification). It is called from the API or CLI directly, never as an activity, so the
 * token never enters workflow history.
 */
export async function mintWebSdkToken(
  client: Client,
  sumsub: Pick<SumsubClient, 'createWebSdkAccessToken'>,
  settings: WebSdkTokenSettings,
  userId: string,
): Promise<WebSdkToken> {
  await assertCaseOpen(client, userId);
  const { token } = await sumsub.createWebSdkAccessToken(userId, settings.levelName, settings.ttlSecs);
  return { userId, token, expiresInSecs: settings.ttlSecs };
}

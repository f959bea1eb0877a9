import type { Client } from '@temporalio/client';
import type { SumsubClient } from '../activities/sumsub/client';
import { assertCaseExists } from './kyc-cases';

export interface WebSdkTokenSettings {
  levelName: string;
  ttlSecs: number;
}

export interface WebSdkToken {
  userId: string;
  token: string;
  expiresInSecs: number;
}

/**
 * A SumSub WebSDK access token for the partner's frontend, minted for a user whose case exists. It is called
 * from the API or CLI directly, never as an activity, so the token never enters workflow history.
 */
export async function mintWebSdkToken(
  client: Client,
  sumsub: Pick<SumsubClient, 'createWebSdkAccessToken'>,
  settings: WebSdkTokenSettings,
  userId: string,
): Promise<WebSdkToken> {
  await assertCaseExists(client, userId);
  const { token } = await sumsub.createWebSdkAccessToken(userId, settings.levelName, settings.ttlSecs);
  return { userId, token, expiresInSecs: settings.ttlSecs };
}

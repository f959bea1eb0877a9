import type { Command } from 'commander';
import { SumsubClient } from '../../vendors/sumsub/client';
import type { CliConfig } from '../../config';
import { ConfigurationError } from '../../domain';
import { applyOutboundConfig } from '../../vendors/clients';
import { mintWebSdkToken, webSdkTokenSettings } from '../../client/websdk-token';
import type { CliContext } from '../context';
import { userIdArgument } from '../options';

/** `kyc token`: a SumSub WebSDK access token for a user whose case exists. */
export function registerToken(program: Command, ctx: CliContext): void {
  program
    .command('token')
    .description("mint a SumSub WebSDK access token for a user's case (prints the token alone)")
    .argument('<userId>', 'Kriptomat user id', userIdArgument)
    .option('--json', 'print userId, token and expiresInSecs as JSON')
    .addHelpText(
      'after',
      `
Needs SUMSUB_APP_TOKEN and SUMSUB_SECRET_KEY (and SUMSUB_BASE_URL, SUMSUB_LEVEL_NAME,
SUMSUB_WEBSDK_TOKEN_TTL_SECS, KYC_ALLOW_INSECURE_HOSTS if not the defaults). Exits 3 when the user has no case.

Example:
  $ kyc token 123456`,
    )
    .action(async (userId: string, options: { json?: boolean }) => {
      const config = ctx.config();
      const sumsub = sumsubClient(config);
      const token = await mintWebSdkToken(await ctx.connect(), sumsub, webSdkTokenSettings(config), userId);
      if (options.json) return ctx.json(token);
      ctx.out(token.token);
      ctx.err(`WebSDK token for ${userId}, valid ${token.expiresInSecs} s`);
    });
}

/** The SumSub client, or a configuration error naming the credentials that are missing. */
function sumsubClient(config: CliConfig): SumsubClient {
  const { SUMSUB_APP_TOKEN: appToken, SUMSUB_SECRET_KEY: secretKey } = config;
  if (!appToken || !secretKey) {
    const missing = [!appToken && 'SUMSUB_APP_TOKEN', !secretKey && 'SUMSUB_SECRET_KEY'].filter(Boolean);
    throw new ConfigurationError(`kyc token needs SumSub credentials: set ${missing.join(' and ')}`);
  }
  // The same outbound rules as the worker and the API: https to a public address unless a host is allowed.
  applyOutboundConfig(config, { SUMSUB_BASE_URL: config.SUMSUB_BASE_URL });
  return new SumsubClient({ baseUrl: config.SUMSUB_BASE_URL, appToken, secretKey });
}

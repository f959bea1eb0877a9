import { UserNotFoundError } from '../../domain';
import { KRIPTOMAT_PATH_VARIABLES } from './paths';

/** This many 404s in a row, with no read succeeding between them, look like a path problem. */
const SUSPICIOUS_RUN = 3;

/**
 * Remembers how a client's user reads went, so a 404 that is more likely a wrong path than an unknown user
 * says so: the first read of a process answering 404, or several in a row. Kriptomat's pages document two
 * show-user paths (docs/vendor-apis.md, "Kriptomat paths"); with the wrong one, every read is a 404 and every
 * case would otherwise be parked as "no such user".
 */
export class UserReadTracker {
  private everSucceeded = false;
  private notFoundInARow = 0;

  succeeded(): void {
    this.everSucceeded = true;
    this.notFoundInARow = 0;
  }

  /** The error to report for this 404: `error` itself, or one that names the path variable to check. */
  notFound(error: UserNotFoundError): UserNotFoundError {
    this.notFoundInARow++;
    if (this.everSucceeded && this.notFoundInARow < SUSPICIOUS_RUN) return error;
    const why = this.everSucceeded
      ? `the last ${this.notFoundInARow} user reads all answered 404`
      : 'no user read has succeeded yet';
    const variable = KRIPTOMAT_PATH_VARIABLES.showUser;
    return new UserNotFoundError(
      `no such Kriptomat user, or a wrong path (${why}): check ${variable} and KRIPTOMAT_BASE_URL`,
      error.context ?? { endpoint: 'Kriptomat GET', status: 404 },
    );
  }
}

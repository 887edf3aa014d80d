/** An error the gateway answers with: its HTTP status, its message and the protocol's error type. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'invalid_request_error',
  ) {
    super(message);
  }
}

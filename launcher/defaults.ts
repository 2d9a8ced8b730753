// The launcher's defaults, apart from the launcher itself so that parsing flags loads nothing else.

/** Worker processes `cluster` starts on this machine when not told. */
export const DEFAULT_LOCAL_WORKERS = 2;

// Waiting with a deadline: shutdown paths must end in bounded time even when NATS is unreachable
// (a flush or a drain then waits for a reconnect that may never come).

/** Whether `p` settled within `ms` (its outcome is ignored either way). */
export async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([
      p.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

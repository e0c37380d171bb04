/**
 * Reconciles that wait: a controller's reconcile is a generator that yields whenever it waits for
 * something outside the management cluster (an API call to the workload cluster, an etcd call
 * through a port-forward, a vCenter task), and is resumed in simulated time when the answer comes.
 * Promises cannot be used: their continuations run only when the whole event loop returns, not at
 * the simulated instant of the answer.
 *
 * ```ts
 * function* reconcile(): Task<Result> {
 *   const members = yield* wait<MemberList>((resume) => etcd.memberList(resume));
 *   …
 * }
 * ```
 */

/** What a task yields: a request to start an asynchronous operation and resume with its answer. */
export interface Wait {
  readonly start: (resume: (value: unknown) => void) => void;
}

/** A task returning `R`. */
export type Task<R> = Generator<Wait, R, unknown>;

/** Waits for `start`'s callback and returns the value it was called with. */
export function* wait<T>(start: (resume: (value: T) => void) => void): Task<T> {
  return (yield { start: start as (resume: (value: unknown) => void) => void }) as T;
}

/**
 * Runs a task to completion: each yielded operation is started, and the task resumes when the
 * operation calls back (once; later calls are ignored). A callback that arrives synchronously is
 * handled in a loop, not by recursion. An exception thrown by the task propagates to whoever
 * resumed it.
 */
export function runTask<R>(task: Task<R>, done: (result: R) => void): void {
  // `box.sync` is true while an operation is being started; a callback arriving then stores its
  // value in `box.value` and the loop below continues with it.
  const box: { sync: boolean; has: boolean; value: unknown } = { sync: false, has: false, value: undefined };
  const step = (value: unknown): void => {
    let input = value;
    for (;;) {
      const r = task.next(input);
      if (r.done) {
        done(r.value);
        return;
      }
      let called = false;
      box.sync = true;
      box.has = false;
      r.value.start((v) => {
        if (called) return;
        called = true;
        if (box.sync) {
          box.has = true;
          box.value = v;
        } else step(v);
      });
      box.sync = false;
      if (!box.has) return;
      input = box.value;
    }
  };
  step(undefined);
}

namespace Dashboard.Bench.Browser;

/// <summary>
/// A MutationObserver in the page that notes, for every job, the wall-clock time its first GPU tile appeared in the
/// DOM and the time its last tile disappeared. Wall clock (performance.timeOrigin + now) so it compares with the
/// server's clock on the same machine. The bench waits on a promise the observer resolves (<see cref="WhenAppeared"/>,
/// <see cref="WhenGone"/>): nothing runs in the page while it waits, where polling (<see cref="Appeared"/> through
/// Playwright's WaitForFunction every 50 ms) costs every page CPU that the pages under test compete for.
/// </summary>
public static class DomWatch
{
    public const string Install = """
        () => {
          window.__appeared = {};
          window.__gone = {};
          const waiting = { appeared: {}, gone: {} };
          window.__waitFor = (kind, job) => new Promise(resolve => {
            const seen = window['__' + kind][job];
            if (seen !== undefined) { resolve(seen); } else { (waiting[kind][job] ||= []).push(resolve); }
          });
          const note = (kind, job, t) => {
            window['__' + kind][job] = t;
            for (const resolve of waiting[kind][job] ?? []) { resolve(t); }
            delete waiting[kind][job];
          };
          const now = () => performance.timeOrigin + performance.now();
          let present = new Set();
          const scan = () => {
            const t = now();
            const seen = new Set();
            for (const tile of document.querySelectorAll('.gpu-tile.allocated[data-job]')) {
              const job = tile.getAttribute('data-job');
              seen.add(job);
              if (!(job in window.__appeared)) { note('appeared', job, t); }
            }
            for (const job of present) {
              if (!seen.has(job) && !(job in window.__gone)) { note('gone', job, t); }
            }
            present = seen;
          };
          scan();
          new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, attributes: true });
        }
        """;

    public const string Appeared = "job => window.__appeared[job] ?? null";

    public const string Gone = "job => window.__gone[job] ?? null";

    public const string WhenAppeared = "job => window.__waitFor('appeared', job)";

    public const string WhenGone = "job => window.__waitFor('gone', job)";
}

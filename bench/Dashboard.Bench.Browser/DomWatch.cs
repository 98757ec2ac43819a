namespace Dashboard.Bench.Browser;

/// <summary>
/// A MutationObserver in the page that notes, for every job, the wall-clock time its first GPU tile appeared in the
/// DOM and the time its last tile disappeared. Wall clock (performance.timeOrigin + now) so it compares with the
/// server's clock on the same machine.
/// </summary>
public static class DomWatch
{
    public const string Install = """
        () => {
          window.__appeared = {};
          window.__gone = {};
          const now = () => performance.timeOrigin + performance.now();
          let present = new Set();
          const scan = () => {
            const t = now();
            const seen = new Set();
            for (const tile of document.querySelectorAll('.gpu-tile.allocated[data-job]')) {
              const job = tile.getAttribute('data-job');
              seen.add(job);
              if (!(job in window.__appeared)) { window.__appeared[job] = t; }
            }
            for (const job of present) {
              if (!seen.has(job) && !(job in window.__gone)) { window.__gone[job] = t; }
            }
            present = seen;
          };
          scan();
          new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, attributes: true });
        }
        """;

    public const string Appeared = "job => window.__appeared[job] ?? null";

    public const string Gone = "job => window.__gone[job] ?? null";
}

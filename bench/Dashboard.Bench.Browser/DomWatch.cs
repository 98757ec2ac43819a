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
          // DOM edits the page received, by kind and by where they landed (the nearest node card, quota panel, app bar
          // totals, or else the nearest element with an id or a class), for the bench's edits-per-update line.
          window.__edits = { records: 0, added: 0, removed: 0, attributes: 0, text: 0, where: {} };
          const region = node => {
            let e = node.nodeType === 1 ? node : node.parentElement;
            for (let x = e; x; x = x.parentElement) {
              if (x.classList?.contains('node-card')) { return 'node-card'; }
              if (x.id === 'quota-panel' || x.id === 'cluster-totals') { return '#' + x.id; }
              if (x.classList?.contains('mud-appbar')) { return 'app bar (other)'; }
            }
            return e ? (e.id ? '#' + e.id : e.tagName.toLowerCase() + '.' + (e.className?.toString().split(' ')[0] ?? '')) : '?';
          };
          const count = records => {
            const edits = window.__edits;
            for (const r of records) {
              edits.records++;
              if (r.type === 'childList') { edits.added += r.addedNodes.length; edits.removed += r.removedNodes.length; }
              else if (r.type === 'attributes') { edits.attributes++; }
              else { edits.text++; }
              const key = region(r.target) + ' ' + r.type + (r.type === 'attributes' ? ':' + r.attributeName : '');
              edits.where[key] = (edits.where[key] ?? 0) + 1;
            }
          };
          scan();
          new MutationObserver(records => { count(records); scan(); })
            .observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
        }
        """;

    /// <summary>The page's DOM edit counts so far (records, nodes added and removed, attribute and text changes, by region).</summary>
    public const string Edits = "() => window.__edits";

    public const string Appeared = "job => window.__appeared[job] ?? null";

    public const string Gone = "job => window.__gone[job] ?? null";

    public const string WhenAppeared = "job => window.__waitFor('appeared', job)";

    public const string WhenGone = "job => window.__waitFor('gone', job)";
}

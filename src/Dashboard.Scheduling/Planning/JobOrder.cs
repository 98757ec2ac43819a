using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Step 2: pending jobs in scheduling order — priority (high first); then jobs that have waited past the starvation
/// bound (<see cref="SchedulerSettings.StarvationAfter"/>), oldest first; then the team's fair-share rank (decayed
/// usage / weight, low first) less <see cref="SchedulerSettings.AgeWeight"/> places per hour waited; then submit time,
/// then id. Each team's queue is already in
/// (priority, submit, id) order, so this is a lazy merge of team queues through a small heap of queue heads:
/// a pass that stops early never pays for ordering the whole backlog.
/// </summary>
internal sealed class JobOrder
{
    private readonly TeamCursor[] cursors;
    private readonly int[] heap;
    private int heapSize;

    private readonly List<(string Team, int Number, double Standing)> teams;
    private readonly PendingQueue pending;
    private readonly AgeRule age;

    public JobOrder(ClusterSnapshot snapshot, DateTimeOffset now)
        : this(snapshot.Pending, Standings(snapshot, now), new AgeRule(now.UtcTicks, snapshot.Settings.StarvationAfter.Ticks, snapshot.Settings.AgeWeight / TimeSpan.TicksPerHour))
    {
    }

    /// <summary>A fresh walk over the same queues in the same order as <paramref name="other"/> (the standings are not recomputed).</summary>
    public JobOrder(JobOrder other)
        : this(other.pending, other.teams, other.age)
    {
    }

    private JobOrder(PendingQueue pending, List<(string Team, int Number, double Standing)> teams, AgeRule age)
    {
        this.pending = pending;
        this.teams = teams;
        this.age = age;

        // Equal standings share a rank, so submit time (not the team name) decides between them.
        cursors = new TeamCursor[teams.Count];
        heap = new int[teams.Count];
        var rank = 0;
        for (var i = 0; i < teams.Count; i++)
        {
            if (i > 0 && teams[i].Standing > teams[i - 1].Standing)
            {
                rank = i;
            }

            cursors[i] = new TeamCursor(teams[i].Team, teams[i].Number, rank, pending, age);
            if (cursors[i].HasCurrent)
            {
                heap[heapSize++] = i;
            }
        }

        for (var i = (heapSize / 2) - 1; i >= 0; i--)
        {
            SiftDown(i);
        }
    }

    /// <summary>The pending teams by fair-share standing (then name), each with its number in <see cref="PendingQueue.ByTeam"/> order.</summary>
    private static List<(string Team, int Number, double Standing)> Standings(ClusterSnapshot snapshot, DateTimeOffset now)
    {
        var usageByTeam = snapshot.Usage.ToDictionary(u => u.Team, StringComparer.Ordinal);
        var quotaByTeam = snapshot.Quotas.ToDictionary(q => q.Team, StringComparer.Ordinal);
        var runningGpuSeconds = RunningGpuSeconds(snapshot, now);
        var teams = snapshot.Pending.ByTeam.Keys
            .Select((team, number) => (Team: team, Number: number, Standing: FairShare.Standing(usageByTeam.GetValueOrDefault(team), quotaByTeam.GetValueOrDefault(team), now, snapshot.Settings.FairShareHalfLife, runningGpuSeconds(team))))
            .OrderBy(t => t.Standing)
            .ThenBy(t => t.Team, StringComparer.Ordinal)
            .ToList();
        return teams;
    }

    /// <summary>What each team's running jobs have held so far: a team with long jobs running is not first in line again.</summary>
    /// Summed per team in running-list order, by the team numbers kept beside the list (no name hashed per job).
    private static Func<string, double> RunningGpuSeconds(ClusterSnapshot snapshot, DateTimeOffset now)
    {
        var teams = RunningTeams.ColumnsOf(snapshot.Running).Teams;
        var byTeam = new double[teams.Length == 0 ? 0 : teams.Max() + 1];
        for (var i = 0; i < teams.Length; i++)
        {
            var allocation = snapshot.Running[i].Allocation;
            var seconds = (now - allocation.Start).TotalSeconds;
            if (seconds > 0 && allocation.GpuIndices.Length > 0)
            {
                byTeam[teams[i]] += allocation.GpuIndices.Length * seconds;
            }
        }

        return team => TeamNumbers.Of(team) is var number && number < byTeam.Length ? byTeam[number] : 0;
    }

    /// <summary>
    /// The team of the job <see cref="Next"/> returned last, as its position among the pending queue's teams
    /// (<see cref="PendingQueue.ByTeam"/> order): a pass keeps per-team books in arrays by this number.
    /// </summary>
    public int LastTeamNumber { get; private set; } = -1;

    /// <summary>The position of the job <see cref="Next"/> returned last in its team's queue (0: the team's first).</summary>
    public int LastPositionInTeam { get; private set; } = -1;

    /// <summary>The job <see cref="Next"/> returned last, with its merge keys and request.</summary>
    public ref readonly QueuedJob Last => ref last;

    private QueuedJob last;

    /// <summary>The next job in order, or null when every queue is exhausted.</summary>
    public Job? Next()
    {
        if (heapSize == 0)
        {
            return null;
        }

        var cursor = cursors[heap[0]];
        last = cursor.Head;
        var job = last.Job;
        LastTeamNumber = cursor.Number;
        LastPositionInTeam = cursor.Position;
        cursor.Advance();
        if (!cursor.HasCurrent)
        {
            heap[0] = heap[--heapSize];
        }

        if (heapSize > 0)
        {
            SiftDown(0);
        }

        return job;
    }

    /// <summary>
    /// When the next job <see cref="Next"/> would return is of team number <paramref name="teamNumber"/>, takes at once
    /// every job that <see cref="Next"/> would return in a row from that team (until another team's head comes first or
    /// the team's queue ends) and returns them as positions <c>[From, From + Count)</c> of the team's ordered queue
    /// (<see cref="PendingQueue.Ordered"/>, or the queue's tree when no array is built); false (and nothing taken) otherwise. The same jobs in the same order as
    /// that many calls of <see cref="Next"/>, found by a binary search: a team's queue is in (priority, submit, id)
    /// order, so for one team's rank "comes before the other heads" holds for a prefix of what is left of it.
    /// </summary>
    public bool TryTakeRun(int teamNumber, out IReadOnlyList<Job> queue, out int from, out int count)
    {
        queue = [];
        from = 0;
        count = 0;
        if (heapSize == 0 || cursors[heap[0]].Number != teamNumber)
        {
            return false;
        }

        var cursor = cursors[heap[0]];
        var competitor = heapSize switch
        {
            1 => null,
            2 => cursors[heap[1]],
            _ => Before(heap[2], heap[1]) ? cursors[heap[2]] : cursors[heap[1]],
        };

        queue = cursor.OrderedQueue();
        from = cursor.Position;
        var end = queue.Count;
        if (competitor is not null)
        {
            // The first position whose job does not come before the competitor's head.
            var low = from;
            while (low < end)
            {
                var middle = low + ((end - low) / 2);
                if (cursor.WouldComeBefore(queue[middle], competitor))
                {
                    low = middle + 1;
                }
                else
                {
                    end = middle;
                }
            }
        }

        count = end - from;
        cursor.MoveTo(end);
        if (!cursor.HasCurrent)
        {
            heap[0] = heap[--heapSize];
        }

        if (heapSize > 0)
        {
            SiftDown(0);
        }

        return true;
    }

    /// <summary>Stops taking jobs from <paramref name="team"/>.</summary>
    public void DropTeam(string team)
    {
        for (var i = 0; i < heapSize; i++)
        {
            if (cursors[heap[i]].Team == team)
            {
                cursors[heap[i]].Drop();
                heap[i] = heap[--heapSize];
                for (var j = (heapSize / 2) - 1; j >= 0; j--)
                {
                    SiftDown(j);
                }

                return;
            }
        }
    }

    private void SiftDown(int index)
    {
        while (true)
        {
            var left = (2 * index) + 1;
            if (left >= heapSize)
            {
                return;
            }

            var smallest = left + 1 < heapSize && Before(heap[left + 1], heap[left]) ? left + 1 : left;
            if (!Before(heap[smallest], heap[index]))
            {
                return;
            }

            (heap[smallest], heap[index]) = (heap[index], heap[smallest]);
            index = smallest;
        }
    }

    private bool Before(int x, int y)
    {
        var a = cursors[x];
        var b = cursors[y];
        ref readonly var aHead = ref a.Head;
        ref readonly var bHead = ref b.Head;
        return age.Before(aHead.Priority, a.Rank, aHead.SubmittedTicks, aHead.Id, bHead.Priority, b.Rank, bHead.SubmittedTicks, bHead.Id);
    }

    /// <summary>
    /// The comparison of two heads, by (priority, starving, aged rank, submit, id). Within one team's queue (priority,
    /// submit, id order) it is monotone: at one priority the starving jobs are the oldest (a prefix) and the aged rank
    /// grows with the submit time, so the merge of heads and the binary search of <see cref="TryTakeRun"/> stay exact.
    /// </summary>
    private readonly record struct AgeRule(long NowTicks, long StarvingTicks, double PlacesPerTick)
    {
        public bool Before(int aPriority, int aRank, long aSubmitted, JobId aId, int bPriority, int bRank, long bSubmitted, JobId bId)
        {
            if (aPriority != bPriority)
            {
                return aPriority > bPriority;
            }

            var aStarving = NowTicks - aSubmitted >= StarvingTicks;
            var bStarving = NowTicks - bSubmitted >= StarvingTicks;
            if (aStarving != bStarving)
            {
                return aStarving;
            }

            if (!aStarving && aRank != bRank)
            {
                var aKey = aRank - (PlacesPerTick * Math.Max(0, NowTicks - aSubmitted));
                var bKey = bRank - (PlacesPerTick * Math.Max(0, NowTicks - bSubmitted));
                if (aKey != bKey)
                {
                    return aKey < bKey;
                }
            }

            // DateTimeOffset orders by UTC ticks.
            return aSubmitted != bSubmitted ? aSubmitted < bSubmitted : aId < bId;
        }
    }

    /// <summary>
    /// One team's queue and how far the merge has taken it. The head job's sort keys and request are copied into the
    /// cursor when it moves (<see cref="QueuedJob"/>), so the heap compares cursors and the pass decides the job without
    /// following a reference into it; a queue with arrays built reads them from <see cref="OrderedTeamQueue.Queued"/>,
    /// front to back. A queue whose arrays are not built yet is first walked in its tree: a deciding pass often takes
    /// a few jobs of each team and stops, and copying every changed team's whole queue into an array was most of
    /// such a pass; a cursor that goes further than <see cref="TreeSteps"/> jobs and a quarter of its queue (or than
    /// <see cref="TreeSteps"/> jobs alone in a queue of at most <see cref="SmallQueue"/>) builds the
    /// arrays (shared by later passes over the same queue) and switches to them: copying a 2,000-job queue to take a few
    /// dozen of its jobs was the largest cost of figure (d)'s pass (the team's queue changes after every pass that starts
    /// one of its jobs, so its arrays are rarely shared there).
    /// </summary>
    private sealed class TeamCursor
    {
        private const int TreeSteps = 16;

        /// <summary>A queue this short is copied into arrays after <see cref="TreeSteps"/> jobs: the copy is bounded.</summary>
        private const int SmallQueue = 4096;

        private readonly ImmutableSortedSet<Job> queue;
        private OrderedTeamQueue? arrays;
        /// <summary>The tree read by position (after a run was taken from a queue with no arrays built); null otherwise.</summary>
        private ImmutableSortedSet<Job>? byPosition;
        private ImmutableSortedSet<Job>.Enumerator walk;
        private QueuedJob head;
        private int position;

        private readonly AgeRule age;

        public TeamCursor(string team, int number, int rank, PendingQueue pending, AgeRule age)
        {
            this.age = age;
            Team = team;
            Number = number;
            Rank = rank;
            queue = pending.ByTeam[team];
            arrays = PendingQueue.OrderedIfBuilt(queue);
            if (arrays is null)
            {
                walk = queue.GetEnumerator();
            }

            ReadHead();
        }

        public string Team { get; }

        public int Number { get; }

        public int Rank { get; }

        /// <summary>The head job with its keys and request (its <see cref="QueuedJob.Job"/> is null once the queue is exhausted).</summary>
        public ref readonly QueuedJob Head => ref head;

        public bool HasCurrent => head.Job is not null;

        /// <summary>The head job's position in the team's queue.</summary>
        public int Position => position;

        public void Advance()
        {
            position++;
            if (arrays is null && position > TreeSteps && (queue.Count <= SmallQueue || position > queue.Count / 4))
            {
                // Walking the tree (or reading it by position after a run) this far: the arrays pay for themselves.
                if (byPosition is null)
                {
                    walk.Dispose();
                }

                arrays = PendingQueue.OrderedTeam(queue);
                byPosition = null;
            }

            ReadHead();
        }

        /// <summary>
        /// The team's queue by position in team order: its array when one is built, else the tree itself (read by
        /// position in O(log n): a run is found by a binary search and its jobs read only when explained, so copying the
        /// whole queue into an array for it cost more than it saved). The cursor reads by position from then on.
        /// </summary>
        public IReadOnlyList<Job> OrderedQueue()
        {
            if (arrays is null && byPosition is null)
            {
                walk.Dispose();
                arrays = PendingQueue.OrderedIfBuilt(queue);
                byPosition = arrays is null ? queue : null;
            }

            return arrays is not null ? arrays.Jobs : byPosition!;
        }

        /// <summary>Moves the head to <paramref name="target"/> (at or after the current position) in the ordered queue.</summary>
        public void MoveTo(int target)
        {
            OrderedQueue();
            position = target;
            ReadHead();
        }

        /// <summary>Whether <paramref name="job"/>, as this team's head, would come before <paramref name="other"/>'s head in the merge.</summary>
        public bool WouldComeBefore(Job job, TeamCursor other)
        {
            ref readonly var otherHead = ref other.head;
            return age.Before(job.Priority, Rank, job.SubmittedAt.UtcTicks, job.Id, otherHead.Priority, other.Rank, otherHead.SubmittedTicks, otherHead.Id);
        }

        public void Drop()
        {
            position = int.MaxValue;
            head = default;
        }

        private void ReadHead()
        {
            if (arrays is not null)
            {
                head = position < arrays.Queued.Length ? arrays.Queued[position] : default;
            }
            else if (byPosition is not null)
            {
                head = position < byPosition.Count ? QueuedJob.Of(byPosition[position]) : default;
            }
            else
            {
                head = walk.MoveNext() ? QueuedJob.Of(walk.Current) : default;
            }
        }
    }
}

namespace EdgeAgent.Pipeline;

using EdgeAgent.Common.Observations;
using EdgeAgent.Hosting;
using EdgeAgent.Sources;
using EdgeAgent.Species;
using EdgeAgent.Tracking;

/// <summary>
/// What each video track is named. With a species classifier, the vote of the classifier's looks at
/// it: a track is looked at on its first frame, and again when the detector is surer of it than at
/// its last look — its best frames — at most <see cref="LooksPerTrack"/> times, never twice at once
/// (an animal in view for a minute at 5 frames a second is 300 frames, and 3 looks). Without one, the
/// vote of the detector's label on each of its frames. Used by the observation stage's one thread.
/// </summary>
/// <remarks>
/// Looks run off that thread: a frame's looks are one task on a copy of the frame (its crops in one
/// batch) while the stage goes on with other frames; each answer votes once it is in, and only a
/// track being decided waits for its own look, so that its alert names what was seen.
/// </remarks>
/// <param name="species">The species stage, when it has a classifier.</param>
/// <param name="logger">Where a failed look is said.</param>
internal sealed partial class TrackNames(ClassifyingDetector? species, ILogger logger)
{
    /// <summary>Most times the species classifier looks at one video track.</summary>
    public const int LooksPerTrack = 3;

    /// <summary>Looks in flight at most; past it a look runs on the stage's thread, so frames' copies cannot pile up.</summary>
    private static readonly int MaxLooksInFlight = Math.Max(2, Environment.ProcessorCount);

    /// <summary>What each track's looks (or frames) named it so far.</summary>
    private readonly Dictionary<(string Source, string Track), TaxonVote> _votes = [];

    /// <summary>Per track, how often the classifier looked at it and the detector's confidence at its best look.</summary>
    private readonly Dictionary<(string Source, string Track), (int Looks, float Confidence)> _looks = [];

    /// <summary>Looks under way, with each track's place in its frame's batch.</summary>
    private readonly Dictionary<(string Source, string Track), (Task<IReadOnlyList<Classification>> Look, int Index)> _pending = [];

    /// <summary>
    /// Takes in a frame's tracks: starts the looks they are due and counts the answers that are in,
    /// waiting for those of the tracks decided at this frame (<paramref name="deciding"/>).
    /// </summary>
    public void See(Frame frame, IReadOnlyList<TrackedDetection> tracked, Func<TrackedDetection, bool> deciding)
    {
        if (_votes.Count > 10_000)
        {
            _votes.Clear();
            _looks.Clear();
        }

        if (species is not null)
        {
            Look(frame, tracked, species);
            Collect(frame.SourceId, tracked.Where(deciding).Select(t => t.TrackId).ToHashSet(StringComparer.Ordinal));
        }
    }

    /// <summary>The track's name at this frame: the vote so far (without a classifier, with this frame's label counted).</summary>
    public Classification? NameOf(string source, TrackedDetection tracked)
    {
        var vote = VoteOf((source, tracked.TrackId));
        return species is null ? vote.Add(tracked.Detection.Taxon) : vote.Winner ?? tracked.Detection.Taxon;
    }

    /// <summary>Waits for the looks still running: they use the classifier, which is released after the stages.</summary>
    public void Complete()
    {
        foreach (var look in _pending.Values.Select(p => p.Look).Distinct())
        {
            try
            {
                look.Wait(CancellationToken.None);
            }
            catch (AggregateException)
            {
                // Its frame was recorded without it.
            }
        }
    }

    /// <summary>Starts the looks this frame's animal tracks are due; the look crops a copy of the frame, which goes on to be recorded.</summary>
    private void Look(Frame frame, IReadOnlyList<TrackedDetection> tracked, ClassifyingDetector classifier)
    {
        var due = frame.Pixels.Empty() ? [] : tracked.Where(t => t.Detection.Category == DetectionCategory.Animal
            && !_pending.ContainsKey((frame.SourceId, t.TrackId))
            && (!_looks.TryGetValue((frame.SourceId, t.TrackId), out var l) || (l.Looks < LooksPerTrack && t.Detection.Confidence >= l.Confidence + 0.05f))).ToList();
        if (due.Count == 0)
        {
            return;
        }

        // The boxes are in the source's pixels, the classifier crops the decoded ones.
        var animals = due.Select(t => t.Detection with { Box = t.Detection.Box.Scale(1 / frame.DecodeScale) }).ToList();
        var source = frame.SourceId;
        Task<IReadOnlyList<Classification>> look;
        if (_pending.Values.Select(p => p.Look).Distinct().Count(t => !t.IsCompleted) >= MaxLooksInFlight)
        {
            try
            {
                look = Task.FromResult(classifier.Classify(frame.Pixels, animals, source));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                look = Task.FromException<IReadOnlyList<Classification>>(e);
            }
        }
        else
        {
            var pixels = frame.Pixels.Clone();
            look = Task.Run(() =>
            {
                using (pixels)
                {
                    return classifier.Classify(pixels, animals, source);
                }
            });
        }

        AgentMetrics.SpeciesLooks.WithLabels(source).Inc(due.Count);
        for (var i = 0; i < due.Count; i++)
        {
            var key = (source, due[i].TrackId);
            _looks[key] = (_looks.GetValueOrDefault(key).Looks + 1, due[i].Detection.Confidence);
            _pending[key] = (look, i);
        }
    }

    /// <summary>
    /// Counts the answers of this source's looks that are in; a track being decided waits for its
    /// look. A look that failed leaves its animals with the detector's names; the track may be looked at again.
    /// </summary>
    private void Collect(string source, IReadOnlySet<string> deciding)
    {
        foreach (var (key, (look, index)) in _pending.Where(p => p.Key.Source == source).ToList())
        {
            if (!look.IsCompleted && !deciding.Contains(key.Track))
            {
                continue;
            }

            _pending.Remove(key);
            try
            {
                VoteOf(key).Add(look.GetAwaiter().GetResult()[index]);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogLookFailed(source, e.Message);
            }
        }
    }

    private TaxonVote VoteOf((string Source, string Track) key)
    {
        if (!_votes.TryGetValue(key, out var vote))
        {
            _votes[key] = vote = new TaxonVote();
        }

        return vote;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The species classifier could not look at a frame of {Source}: {Reason}; its animals keep the detector's names")]
    private partial void LogLookFailed(string source, string reason);
}

namespace EdgeAgent.Common.Observations;

/// <summary>
/// What several looks at one animal named it — a video track's frames, a camera-trap burst's
/// pictures: the taxon whose answers add up to the most score wins, so one odd frame does not rename
/// a track, and a confident look outweighs several unsure ones. The winner is reported as its most
/// confident answer (with that look's raw top classes).
/// </summary>
public sealed class TaxonVote
{
    private readonly Dictionary<string, (float Sum, Classification Best)> _votes = new(StringComparer.Ordinal);

    /// <summary>The answer so far, or null when no look named anything.</summary>
    public Classification? Winner { get; private set; }

    /// <summary>Counts one look's answer (null: it named nothing) and returns the answer so far.</summary>
    public Classification? Add(Classification? named)
    {
        if (named is null)
        {
            return Winner;
        }

        var key = named.Taxon.Description;
        var (sum, best) = _votes.GetValueOrDefault(key, (0f, named));
        _votes[key] = (sum + named.Score, named.Score > best.Score ? named : best);
        var leader = _votes.Values.MaxBy(v => v.Sum);
        Winner = leader.Best;
        return Winner;
    }
}

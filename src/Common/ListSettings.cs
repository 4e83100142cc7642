namespace EdgeAgent.Common;

/// <summary>An item of a list setting (a rule, a camera, a source) that can say what is wrong with itself.</summary>
public interface IListItem
{
    /// <summary>
    /// Problems, each as the rest of its key after the item's own: <c>:Url: what is wrong</c>, or
    /// <c>: what is wrong</c> for the item as a whole; the list puts <c>Section:List:N</c> before it.
    /// </summary>
    IEnumerable<string> Problems();
}

/// <summary>The checks of a list setting whose items others refer to by name.</summary>
public static class ListSettings
{
    /// <summary>
    /// Each item's own problems under its key (<c>Section:List:N</c>), and a name that is empty or
    /// already in <paramref name="names"/>, which lists that share one kind of name share.
    /// </summary>
    /// <param name="key">The list's key, e.g. <c>Alerting:Rules</c>.</param>
    /// <param name="items">The list.</param>
    /// <param name="nameKey">The key of an item's name, e.g. <c>Name</c> or <c>Id</c>.</param>
    /// <param name="nameOf">An item's name.</param>
    /// <param name="names">The names taken so far, by another list; those of this list are added.</param>
    public static IEnumerable<string> Problems<T>(string key, IReadOnlyList<T> items, string nameKey, Func<T, string> nameOf, ISet<string>? names = null)
        where T : IListItem
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(nameOf);
        names ??= new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var name = nameOf(items[i]);
            if (name.Length == 0)
            {
                yield return $"{key}:{i}:{nameKey}: missing: each one needs its own {nameKey}";
            }
            else if (!names.Add(name))
            {
                yield return $"{key}:{i}:{nameKey}: '{name}' is used twice";
            }

            foreach (var problem in items[i].Problems())
            {
                yield return $"{key}:{i}{problem}";
            }
        }
    }
}

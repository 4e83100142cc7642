namespace EdgeAgent.Cli;

using System.CommandLine;
using System.Globalization;
using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Common.Observations;
using EdgeAgent.Configuration;
using EdgeAgent.Reporting;
using EdgeAgent.Sources;
using EdgeAgent.Verdicts;

/// <summary>
/// <c>edge-agent verdict --config FILE ALERT_ID false|true|undo</c>: a person's word on an alert
/// from the command line, as the station page's "Not a threat" gives it (a running agent applies it
/// within seconds); <c>--list</c> prints every verdict as CSV with the picture it was about, for
/// evaluating the detector or retraining it.
/// </summary>
internal static class VerdictCommand
{
    public static Command Create()
    {
        var alertId = new Argument<string?>("ALERT_ID") { Description = "The alert, as its e-mail and the station page name it", Arity = ArgumentArity.ZeroOrOne };
        var word = new Argument<string?>("VERDICT") { Description = "false: not a threat (suppresses the same label at that place for a while); true: it was one; undo: take the verdict in force back", Arity = ArgumentArity.ZeroOrOne };
        var list = new Option<bool>("--list") { Description = "Print every verdict as CSV (with the picture each was about)" };
        return EdgeAgentCommandLine.ConfigVerb("verdict", "Say whether an alert was a threat (false suppresses the same label at that place of the camera), or list the verdicts", [alertId, word, list], (parse, configuration, _) =>
        {
            var database = configuration.ExistingDatabase();

            var store = new VerdictStore(Options.Create(database), Options.Create(configuration.Section<VerdictOptions>()), TimeProvider.System);
            if (parse.GetValue(list))
            {
                Print(store.All());
                return Task.FromResult(0);
            }

            var (id, said) = (parse.GetValue(alertId), parse.GetValue(word)?.ToLowerInvariant());
            if (id is null || said is not ("false" or "true" or "undo"))
            {
                throw new ConfigurationException("verdict: give an alert id and false (not a threat), true (a threat) or undo; or --list");
            }

            var by = $"command line, {Environment.UserName}";
            if (said == "undo")
            {
                var inForce = store.Of([id]).GetValueOrDefault(id);
                if (inForce is not { UndoneAt: null } || !store.Undo(inForce.Id, by))
                {
                    throw new ConfigurationException($"verdict: alert {id} has no verdict in force to undo");
                }

                Console.WriteLine($"alert {id}: verdict {inForce.Id} undone");
                return Task.FromResult(0);
            }

            if (new OutboxQueries(Options.Create(database)).Find(id) is not { } alert)
            {
                throw new ConfigurationException($"verdict: no alert {id} in {Path.GetFullPath(database.Path)}");
            }

            var verdict = store.Give(alert, said == "true", by);
            Console.WriteLine(verdict.Threat
                ? $"alert {id}: a threat (verdict {verdict.Id})"
                : string.Create(CultureInfo.InvariantCulture, $"alert {id}: not a threat (verdict {verdict.Id}); {verdict.Label} at that place of {verdict.SourceId} raises no alert until {verdict.Until:yyyy-MM-dd HH:mm} UTC"));
            return Task.FromResult(0);
        });
    }

    /// <summary>One row per verdict; the picture is the file's path in its drop folder (empty for video).</summary>
    private static void Print(IReadOnlyList<Verdict> verdicts)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine("verdict_id,alert_id,threat,given_by,given_at,source_id,picture,label,category,x,y,width,height,until,undone_by,undone_at");
        foreach (var v in verdicts)
        {
            Console.WriteLine(ReportFiles.Row(
            [
                v.Id.ToString(c), v.AlertId, v.Threat ? "true" : "false", v.By, v.At.UtcDateTime.ToString("O", c), v.SourceId, FileKey.PathIn(v.Subject), v.Label, v.Category.Name(),
                v.Box.X.ToString("0.#", c), v.Box.Y.ToString("0.#", c), v.Box.Width.ToString("0.#", c), v.Box.Height.ToString("0.#", c),
                v.Until?.UtcDateTime.ToString("O", c) ?? "", v.UndoneBy ?? "", v.UndoneAt?.UtcDateTime.ToString("O", c) ?? "",
            ]));
        }
    }
}

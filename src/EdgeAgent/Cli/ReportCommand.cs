namespace EdgeAgent.Cli;

using System.CommandLine;
using System.Globalization;
using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Configuration;
using EdgeAgent.Recording;
using EdgeAgent.Reporting.CamtrapDp;
using EdgeAgent.Reporting;
using EdgeAgent.Sources;

/// <summary>
/// <c>edge-agent report --config FILE [--from DATE] [--to DATE] --output DIR [--camtrap-dp DIR]</c>:
/// the biodiversity report of a period as an HTML page with charts and CSV files, and the records as
/// a Camtrap DP package. With <c>--database</c> instead of <c>--config</c> it reads a records file
/// alone (no zones, no cameras' positions or time zones).
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config") { Description = "The agent's configuration: its database, zones, cameras and counting rules" };
        var database = new Option<string?>("--database")
        {
            Description = "A records database file, when there is no configuration at hand; or the central database (postgresql://…, password from PGPASSWORD): every site's records",
        };
        var from = EdgeAgentCommandLine.DayOption("--from", "First day (UTC), e.g. 2026-11-01; default: 29 days before --to");
        var to = EdgeAgentCommandLine.DayOption("--to", "Last day (UTC), included; default: today");
        var output = new Option<DirectoryInfo?>("--output") { Description = "Folder for index.html and the CSV files" };
        var camtrapDp = new Option<DirectoryInfo?>("--camtrap-dp") { Description = $"Folder for a Camtrap DP {CamtrapDpExport.Version} package of the same period" };
        var baseUrl = new Option<string?>("--media-base-url") { Description = "Where the pictures are published: the package names each as URL/SOURCE/PATH" };
        var includeMedia = new Option<bool>("--include-media") { Description = "Copy the pictures into the package (pictures with people only with --include-people)" };
        var includePeople = new Option<bool>("--include-people") { Description = "With --include-media, copy pictures with people too" };
        var command = new Command("report", "Write the biodiversity report of a period (HTML with charts, CSV) and, if asked, a Camtrap DP package")
        {
            config, database, from, to, output, camtrapDp, baseUrl, includeMedia, includePeople,
        };
        command.SetAction((parse, cancellationToken) => EdgeAgentCommandLine.GuardAsync(async () =>
        {
            Uri? mediaBase = null;
            if (parse.GetValue(baseUrl) is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out mediaBase) || mediaBase.Scheme is not ("https" or "http")))
            {
                throw new ConfigurationException($"--media-base-url '{url}' is not an absolute http(s) URL (https://…)");
            }

            var last = parse.GetValue(to) ?? DateOnly.FromDateTime(DateTime.UtcNow);
            var first = parse.GetValue(from) ?? last.AddDays(-29);
            if (first > last)
            {
                throw new ConfigurationException($"--from {first:yyyy-MM-dd} is after --to {last:yyyy-MM-dd}");
            }

            if (parse.GetValue(output) is null && parse.GetValue(camtrapDp) is null)
            {
                throw new ConfigurationException("say where to write: --output DIR (the report) and/or --camtrap-dp DIR (the package)");
            }

            using var programme = new ProgrammeRecords();
            var (site, path, manifest, folders) = await SiteAsync(parse.GetValue(config), parse.GetValue(database), programme, cancellationToken).ConfigureAwait(false);
            var (records, model) = RecordsOpener.Open(path, manifest);
            var classifiedBy = $"edge-agent {model}".TrimEnd();
            var now = DateTimeOffset.UtcNow;
            var report = BiodiversityReport.Gather(records, site, first, last, now);
            if (report.Sightings == 0 && report.Pictures == 0)
            {
                var extent = records.Extent() is { } e
                    ? string.Create(CultureInfo.InvariantCulture, $"the records run from {e.First:yyyy-MM-dd} to {e.Last:yyyy-MM-dd} (UTC)")
                    : "the records are empty";
                Console.Error.WriteLine($"edge-agent: nothing was recorded between {first:yyyy-MM-dd} and {last:yyyy-MM-dd}: {extent}");
            }

            if (parse.GetValue(output) is { } folder)
            {
                var page = ReportFiles.Write(report, folder.FullName, now);
                Console.WriteLine($"report: {page} ({report.Sightings} sightings of {report.Names.Count} taxa and labels, {report.Pictures} pictures, {first:yyyy-MM-dd} to {last:yyyy-MM-dd})");
            }

            if (parse.GetValue(camtrapDp) is { } package)
            {
                var location = new MediaLocation(folders, mediaBase?.AbsoluteUri, parse.GetValue(includeMedia), parse.GetValue(includePeople));
                var written = CamtrapDpExport.Write(records, report, package.FullName, classifiedBy, now, location);
                Console.WriteLine($"camtrap-dp {CamtrapDpExport.Version}: {package.FullName} ({written.Deployments} deployments, {written.Media} media, {written.Observations} observations, {written.Copied} pictures copied in)");
                if (written.Unlocated > 0)
                {
                    Console.Error.WriteLine($"edge-agent: {written.Unlocated} pictures are named by their path in their drop folder only: give --config (their folders), --media-base-url or --include-media");
                }
                foreach (var source in written.LeftOut)
                {
                    Console.Error.WriteLine($"edge-agent: source {source} left out of the package: it has no position (add it to Geofencing:Cameras)");
                }
            }

            return 0;
        }));
        return command;
    }

    private static async Task<(ReportSite Site, string Database, string? Manifest, IReadOnlyDictionary<string, string> Folders)> SiteAsync(
        FileInfo? config, string? database, ProgrammeRecords programme, CancellationToken cancellationToken)
    {
        if ((config is null) == (database is null))
        {
            throw new ConfigurationException("give either --config FILE or --database FILE (or --database postgresql://…)");
        }

        if (config is null)
        {
            var recording = new RecordingOptions();
            if (database!.StartsWith("postgres", StringComparison.OrdinalIgnoreCase))
            {
                var (path, cameras, zones) = await programme.DownloadAsync(database, cancellationToken).ConfigureAwait(false);
                return (new ReportSite(zones, cameras, recording.BurstGap, recording.SameAnimalWithin, "edge-agent"), path, null, new Dictionary<string, string>());
            }

            return (new ReportSite(ZoneMap.Empty, [], recording.BurstGap, recording.SameAnimalWithin, "edge-agent"), Path.GetFullPath(database), null, new Dictionary<string, string>());
        }

        var configuration = AgentConfiguration.Load(config.FullName);
        var records = configuration.Section<RecordingOptions>();
        var geofencing = configuration.Section<GeofencingOptions>();
        var alerting = configuration.Section<AlertingOptions>();
        var site = new ReportSite(ZoneMap.Load(geofencing), geofencing.Cameras, records.BurstGap, records.SameAnimalWithin, alerting.DeviceId);
        // Where each drop folder keeps the pictures it finished: in place, or under processed/ when they are moved.
        var folders = configuration.Section<SourcesOptions>().DropFolders.ToDictionary(
            f => f.Id, f => f.AfterProcessing == AfterProcessing.Move ? Path.Combine(f.Path, DropFolderService.ProcessedFolder) : f.Path, StringComparer.Ordinal);
        return (site, configuration.Section<DatabaseOptions>().Path, configuration["Detector:Model"], folders);
    }
}

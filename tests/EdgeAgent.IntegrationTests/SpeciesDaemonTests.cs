namespace EdgeAgent.IntegrationTests;

using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeAgent.Common.Observations;
using EdgeAgent.IntegrationTests.Servers;
using EdgeAgent.Testing;
using Microsoft.Data.Sqlite;

/// <summary>The daemon with the species classifier: a camera trap's drop folder and an RTSP camera, e-mails to smtp4dev, the records.</summary>
public sealed class SpeciesDaemonTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static string Elephants => TestPaths.Picture(TestPaths.CameraTrap, "sn__african_elephants.jpg");

    [Fact]
    public async Task A_rule_on_a_family_alerts_for_the_species_the_classifier_names_and_the_records_keep_taxa_for_pictures_and_tracks()
    {
        using var folder = new TempFolder();
        await using var smtp = await Smtp4dev.StartNewAsync();
        await using var camera = await RtspServer.StartNewAsync(Elephants);
        var drop = Directory.CreateDirectory(folder.File("drop")).FullName;
        var json = AgentConfig.Create(folder, smtp);

        // Elephants anywhere, by their family rather than the detector's label: only an animal named within it matches.
        // Any animal on the mast's camera: its e-mail names what the species stage made of its track.
        json["Alerting"]!["Rules"] = new JsonArray(
            new JsonObject { ["Name"] = "elephants", ["Objects"] = new JsonArray("elephantidae"), ["Where"] = "Anywhere", ["Severity"] = "Warning" },
            new JsonObject { ["Name"] = "animals", ["Objects"] = new JsonArray("animal"), ["Where"] = "Anywhere", ["Severity"] = "Info" });
        json["Detector"] = new JsonObject { ["Classifier"] = new JsonObject { ["Model"] = TestPaths.ClassifierManifest } };
        json["Sources"] = new JsonObject
        {
            ["DropFolders"] = new JsonArray(new JsonObject { ["Id"] = "CT-07", ["Path"] = drop, ["StableFor"] = "00:00:00.5" }),
            ["Streams"] = new JsonArray(new JsonObject { ["Id"] = "MAST-1", ["Url"] = camera.Url }),
        };
        var metricsPort = FreePort.Next();
        json["Metrics"] = new JsonObject { ["Listen"] = $"127.0.0.1:{metricsPort}" };
        json["Recording"] = new JsonObject { ["VideoDetections"] = true };
        var config = AgentConfig.Write(folder, json);

        List<MimeKit.MimeMessage> mails = [];
        bool Has(string rule, string camera) => mails.Exists(m => (m.Subject ?? "").Contains($"camera {camera}", StringComparison.Ordinal) && (m.TextBody ?? "").Contains($"Rule: {rule}", StringComparison.Ordinal));
        using (var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!))
        {
            File.Copy(Elephants, Path.Combine(drop, "IMG_0001.JPG"));
            var deadline = DateTime.UtcNow + Patience;
            while (!(Has("elephants", "CT-07") && Has("animals", "MAST-1")))
            {
                Assert.True(DateTime.UtcNow < deadline && !agent.Process.HasExited, "no alert of each kind: " + agent.Error);
                // Wait for the next e-mail to arrive, not for time to pass.
                mails = await smtp.WaitForMessagesAsync(mails.Count + 1, deadline - DateTime.UtcNow);
            }

            // The mast's animals are looked at by the classifier on a few frames of each track, not on every frame.
            const string MastAnimals = "FROM detections WHERE source_id = 'MAST-1' AND category = 'animal'";
            await DaemonTests.WaitUntilAsync(() => DaemonTests.StateCount(folder, $"SELECT COUNT(*) {MastAnimals}") >= 60, agent);
            using var http = new HttpClient();
            var metrics = await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics");
            var looks = double.Parse(
                System.Text.RegularExpressions.Regex.Match(metrics, "^edge_agent_species_looks_total\\{source=\"MAST-1\"\\} (\\S+)$", System.Text.RegularExpressions.RegexOptions.Multiline).Groups[1].Value,
                System.Globalization.CultureInfo.InvariantCulture);
            var (seen, tracked) = (DaemonTests.StateCount(folder, $"SELECT COUNT(*) {MastAnimals}"), DaemonTests.StateCount(folder, $"SELECT COUNT(DISTINCT track_id) {MastAnimals}"));
            Assert.InRange(looks, 1d, 3d * tracked);
            Assert.True(looks * 4 <= seen, $"{looks} looks at {seen} animals in {tracked} tracks");

            await AgentProcess.SignalAsync(agent.Process, "TERM");
            Assert.Equal(0, (await agent.WaitForExitAsync(Patience)).Code);
        }

        var answers = new List<string>();
        using (var db = new SqliteConnection($"Data Source={folder.File("state/edge-agent.db")};Mode=ReadOnly;Pooling=False"))
        {
            db.Open();

            // Each of the picture's animals keeps its answer, how it was named and the classifier's raw top five.
            using (var select = db.CreateCommand())
            {
                select.CommandText = "SELECT taxon, taxon_score, taxon_method, taxon_top FROM detections WHERE source_id = 'CT-07' AND category = 'animal'";
                using var rows = select.ExecuteReader();
                while (rows.Read())
                {
                    answers.Add(rows.GetString(0));
                    Assert.InRange(rows.GetFloat(1), 0.5f, 1f);
                    Assert.Equal("mobilenet-v2-imagenet", rows.GetString(2));
                    var top = JsonNode.Parse(rows.GetString(3))!.AsArray();
                    Assert.Equal(5, top.Count);
                    Assert.True((float)top[0]![1]! >= (float)top[1]![1]!);
                }
            }

            Assert.NotEmpty(answers);

            // The e-mail of the elephants rule names the taxon within the family that the picture's animal was given.
            var elephants = mails.First(m => (m.Subject ?? "").Contains("camera CT-07", StringComparison.Ordinal) && (m.TextBody ?? "").Contains("Rule: elephants", StringComparison.Ordinal));
            var named = answers.Select(a => Taxon.Parse(a)!).Where(t => t.IsWithin("elephantidae")).ToList();
            Assert.Contains(named, t => elephants.Subject!.Contains(t.Display, StringComparison.Ordinal));

            // The camera's tracks carry the vote of their frames, made by the classifier, and the mast's e-mail names one of them.
            var tracks = new List<Taxon>();
            using (var select = db.CreateCommand())
            {
                select.CommandText = "SELECT taxon FROM tracks WHERE source_id = 'MAST-1' AND category = 'animal' AND taxon_method = 'mobilenet-v2-imagenet'";
                using var rows = select.ExecuteReader();
                while (rows.Read())
                {
                    tracks.Add(Taxon.Parse(rows.GetString(0)) ?? Taxon.Animal);
                }
            }

            Assert.NotEmpty(tracks);

            // The mast's e-mail names its track as the classifier's looks had named it when it was decided, as the frame's record keeps it
            // (later looks may still change a track's name, so the track's final taxon need not be the e-mail's).
            var decided = new List<Taxon>();
            using (var select = db.CreateCommand())
            {
                select.CommandText = "SELECT DISTINCT taxon FROM detections WHERE source_id = 'MAST-1' AND category = 'animal' AND alert_id IS NOT NULL AND taxon_method = 'mobilenet-v2-imagenet'";
                using var rows = select.ExecuteReader();
                while (rows.Read())
                {
                    decided.Add(Taxon.Parse(rows.GetString(0)) ?? Taxon.Animal);
                }
            }

            var mast = mails.First(m => (m.Subject ?? "").Contains("camera MAST-1", StringComparison.Ordinal));
            Assert.Contains(decided, t => mast.Subject!.Contains(t.Display, StringComparison.Ordinal));
        }

        // counts: the picture is one burst, counted under the taxon its animals' answers voted for, with its scientific name and rank.
        SqliteConnection.ClearAllPools();
        var (code, csv, error) = await AgentProcess.RunAsync("counts", "--config", config);
        Assert.True(code == 0, error);
        var burst = Assert.Single(csv.Split('\n'), l => l.StartsWith("2010-08-04,animal,\"elephant\",1,bursts,", StringComparison.Ordinal));
        Assert.Contains(answers.Select(a => Taxon.Parse(a) ?? Taxon.Animal), t => burst.EndsWith($",\"{t.Display}\",\"{t.ScientificName}\",{t.Rank}", StringComparison.Ordinal));
    }
}

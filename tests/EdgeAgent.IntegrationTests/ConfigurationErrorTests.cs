namespace EdgeAgent.IntegrationTests;

using EdgeAgent.Testing;

/// <summary>A user's mistake ends with one clear line and exit code 2, never a stack trace.</summary>
public sealed class ConfigurationErrorTests
{
    private static void AssertConfigurationError((int ExitCode, string Output, string Error) run, params string[] expected)
    {
        Assert.Equal(2, run.ExitCode);
        foreach (var text in expected)
        {
            Assert.Contains(text, run.Error, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_manifest_is_named()
    {
        using var folder = new TempFolder();
        var manifest = folder.File("broken.json");
        await File.WriteAllTextAsync(manifest, "{ \"name\": ");

        AssertConfigurationError(
            await AgentProcess.RunAsync("detect", TestPaths.Images, "-o", folder.File("r.json"), "--model", manifest),
            manifest, "not a valid manifest");
    }

    [Fact]
    public async Task A_model_that_does_not_fit_its_manifest_names_both_sides()
    {
        using var folder = new TempFolder();
        var manifest = folder.File("wrong-size.json");
        var model = Path.Combine(TestPaths.RepositoryRoot, "models", "yolox-nano", "yolox_nano.onnx");
        await File.WriteAllTextAsync(manifest, $$"""
            { "name": "wrong", "model": "{{model}}", "layout": "yolox", "input": { "name": "images", "width": 640, "height": 640 },
              "labelsFile": "{{Path.Combine(TestPaths.RepositoryRoot, "models", "coco.labels")}}", "categories": { "person": "person" } }
            """);

        AssertConfigurationError(
            await AgentProcess.RunAsync("detect", TestPaths.Images, "-o", folder.File("r.json"), "--model", manifest, "--provider", "cpu"),
            model, "[1, 3, 416, 416]", "[1, 3, 640, 640]");
    }

    [Fact]
    public async Task A_file_that_is_not_a_model_is_named()
    {
        using var folder = new TempFolder();
        await File.WriteAllTextAsync(folder.File("fake.onnx"), "not a model");
        var manifest = folder.File("fake.json");
        await File.WriteAllTextAsync(manifest, """
            { "name": "fake", "model": "fake.onnx", "layout": "yolov8", "input": { "width": 640, "height": 640 }, "labels": ["a"], "categories": { "a": "animal" } }
            """);

        AssertConfigurationError(
            await AgentProcess.RunAsync("detect", TestPaths.Images, "-o", folder.File("r.json"), "--model", manifest, "--provider", "cpu"),
            folder.File("fake.onnx"), "cannot be loaded");
    }

    [Fact]
    public async Task A_missing_input_and_a_bad_option_are_configuration_errors()
    {
        using var folder = new TempFolder();
        AssertConfigurationError(await AgentProcess.RunAsync("detect", "/nonexistent/drop", "-o", folder.File("r.json")), "/nonexistent/drop");
        AssertConfigurationError(await AgentProcess.RunAsync("detect", TestPaths.Images, "-o", folder.File("r.json"), "--threshold", "3"), "--threshold");
        AssertConfigurationError(await AgentProcess.RunAsync("detect", TestPaths.Images), "--output");
    }

    [Fact]
    public async Task Times_and_days_that_are_not_and_a_period_that_ends_before_it_starts_are_named()
    {
        using var folder = new TempFolder();
        var config = AgentConfig.Write(folder, AgentConfig.Create(folder));
        AssertConfigurationError(await AgentProcess.RunAsync("export", "--config", config, "--from", "garbage"), "--from 'garbage' is not a time (ISO 8601");
        AssertConfigurationError(await AgentProcess.RunAsync("export", "--config", config, "--from", "2026-01-02", "--to", "2026-01-01"), "is after --to");
        AssertConfigurationError(await AgentProcess.RunAsync("report", "--config", config, "--to", "2026-13-01"), "--to '2026-13-01' is not a day (yyyy-MM-dd");
        var evaluate = await AgentProcess.RunAsync("evaluate", "--results", folder.File("nothing.json"), "--truth", folder.File("truth.csv"));
        AssertConfigurationError(evaluate, "nothing.json: no such file");
        Assert.DoesNotContain("System.", evaluate.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_results_file_that_cannot_be_resumed_is_left_alone()
    {
        using var folder = new TempFolder();
        var output = folder.File("r.json");
        await File.WriteAllTextAsync(output, "field notes, not results");

        AssertConfigurationError(await AgentProcess.RunAsync("detect", TestPaths.Images, "-o", output), output, "cannot resume");
        Assert.Equal("field notes, not results", await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task Asking_for_cuda_says_whether_it_runs()
    {
        using var folder = new TempFolder();
        var run = await AgentProcess.RunAsync("detect", TestPaths.Picture(TestPaths.Images, "eagle.jpg"), "-o", folder.File("r.json"), "--provider", "cuda");

        // CI has no GPU, so this is a clear refusal there; on a machine with CUDA it must really run on it.
        if (run.ExitCode == 0)
        {
            Assert.Contains("Cuda execution provider", run.Error, StringComparison.Ordinal);
        }
        else
        {
            AssertConfigurationError(run, "execution provider Cuda is not available", "libonnxruntime_providers_cuda.so");
        }
    }

    [Fact]
    public async Task A_password_in_the_configuration_file_is_refused()
    {
        using var folder = new TempFolder();
        var json = AgentConfig.Create(folder);
        json["Email"] = new System.Text.Json.Nodes.JsonObject { ["Host"] = "mail.example.org", ["From"] = "a@example.org", ["To"] = new System.Text.Json.Nodes.JsonArray("b@example.org"), ["Username"] = "agent", ["Password"] = "hunter22" };
        var config = AgentConfig.Write(folder, json);

        AssertConfigurationError(await AgentProcess.RunAsync("send-test-alert", "--config", config), config, "Email:Password must not be written in a file", "Email__Password");

        // A drone link's signing key is a secret too.
        json.Remove("Email");
        json["Sources"] = System.Text.Json.Nodes.JsonNode.Parse("""
            { "Streams": [ { "Id": "DRONE-1", "Url": "udp://127.0.0.1:5600", "Telemetry": { "Kind": "Mavlink", "Listen": "127.0.0.1:14550", "SigningKey": "our passphrase" } } ] }
            """);
        config = AgentConfig.Write(folder, json);
        AssertConfigurationError(await AgentProcess.RunAsync("check-config", "--config", config), "Sources:Streams:0:Telemetry:SigningKey must not be written in a file", "Sources__Streams__0__Telemetry__SigningKey");
    }

    [Fact]
    public async Task The_malformed_wind_cave_boundary_stops_start_up_naming_file_and_feature()
    {
        using var folder = new TempFolder();
        var json = AgentConfig.Create(folder);
        var zones = Path.Combine(TestPaths.Shared, "testdata", "geojson", "wica_wind_cave_np.geojson");
        json["Geofencing"]!["ZonesFile"] = zones;
        json["Geofencing"]!["IdProperty"] = "UNIT_CODE";
        json["Mqtt"] = new System.Text.Json.Nodes.JsonObject { ["Host"] = "127.0.0.1", ["Port"] = 1 };

        AssertConfigurationError(
            await AgentProcess.RunAsync("send-test-alert", "--config", AgentConfig.Write(folder, json)),
            zones, "feature 1 ('WICA')", "invalid geometry");
    }

    [Fact]
    public async Task Unknown_keys_bad_values_and_unknown_zones_are_named()
    {
        using var folder = new TempFolder();
        var json = AgentConfig.Create(folder);
        json["Mqtt"] = new System.Text.Json.Nodes.JsonObject { ["Host"] = "127.0.0.1", ["Prot"] = 1883 };
        AssertConfigurationError(await AgentProcess.RunAsync("send-test-alert", "--config", AgentConfig.Write(folder, json)), "Prot");

        json["Mqtt"] = new System.Text.Json.Nodes.JsonObject { ["Host"] = "127.0.0.1", ["Port"] = "eighteen" };
        AssertConfigurationError(await AgentProcess.RunAsync("send-test-alert", "--config", AgentConfig.Write(folder, json)), "Mqtt:Port");

        json["Mqtt"] = new System.Text.Json.Nodes.JsonObject { ["Host"] = "127.0.0.1" };
        json["Alerting"]!["Rules"]![0]!["Zones"] = new System.Text.Json.Nodes.JsonArray("elephant-corridor");
        AssertConfigurationError(await AgentProcess.RunAsync("send-test-alert", "--config", AgentConfig.Write(folder, json)), "Alerting:Rules:0:Zones", "'elephant-corridor' is not a zone");

        AssertConfigurationError(await AgentProcess.RunAsync("send-test-alert", "--config", folder.File("missing.json")), "missing.json", "does not exist");
    }

    [Fact]
    public async Task A_database_path_under_its_old_keys_says_where_it_went()
    {
        using var folder = new TempFolder();
        var json = AgentConfig.Create(folder);
        json["Outbox"]!["Path"] = "state/outbox.db";

        AssertConfigurationError(await AgentProcess.RunAsync("check-config", "--config", AgentConfig.Write(folder, json)), "Outbox:Path has moved to Database:Path");
    }

    [Fact]
    public async Task Telemetry_that_cannot_be_read_is_named_with_its_stream()
    {
        using var folder = new TempFolder();
        var json = AgentConfig.Create(folder);
        json["Sources"] = System.Text.Json.Nodes.JsonNode.Parse("""
            { "Streams": [
              { "Id": "UAV-1", "Url": "udp://127.0.0.1:5601", "Telemetry": { "Kind": "Klv" } },
              { "Id": "DRONE-1", "Url": "udp://127.0.0.1:5602", "Telemetry": { "Kind": "Srt", "HorizontalFieldOfView": 200 } },
              { "Id": "DRONE-2", "Url": "udp://127.0.0.1:5603", "Telemetry": { "Kind": "Mavlink", "Listen": "14550" } } ] }
            """);

        var (code, output, _) = await AgentProcess.RunAsync("check-config", "--config", AgentConfig.Write(folder, json));

        Assert.Equal(2, code);
        var problems = output.Split('\n').Where(l => l.StartsWith("problem: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("Sources:Streams:1:Telemetry:Kind: Srt telemetry is read from a recorded video file, and 'udp://127.0.0.1:5602' is not one", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Sources:Streams:1:Telemetry:HorizontalFieldOfView: 200", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Sources:Streams:2:Telemetry:Listen: '14550'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Values_that_would_silently_stop_alerts_or_burn_a_core_are_refused_by_key_and_value()
    {
        using var folder = new TempFolder();
        var drop = Directory.CreateDirectory(folder.File("drop")).FullName;
        var json = AgentConfig.Create(folder);
        json["Alerting"]!["Rules"]![0]!["Objects"] = new System.Text.Json.Nodes.JsonArray("persn");
        json["Email"] = System.Text.Json.Nodes.JsonNode.Parse("""
            { "Host": "localhost", "From": "agent@example.org", "To": [ "ranger@example.org" ], "Timeout": "00:00:00", "TrustedCertificate": "nowhere.cer" }
            """);
        json["Metrics"] = new System.Text.Json.Nodes.JsonObject { ["Listen"] = "127.0.0.1:0" };
        json["Sources"] = System.Text.Json.Nodes.JsonNode.Parse($$"""
            { "RescanInterval": "00:00:00", "DropFolders": [ { "Id": "CT-07", "Path": "{{drop}}",
                "StaticObjects": { "MinOccurrences": 0, "History": -1, "MinIou": 2 },
                "Masks": [ { "Points": [ [0, 0], [1, 1] ] } ] } ],
              "Streams": [ { "Id": "CAM-1", "Url": "htp:/:garbage" } ] }
            """);

        var (code, output, _) = await AgentProcess.RunAsync("check-config", "--config", AgentConfig.Write(folder, json));

        Assert.Equal(2, code);
        foreach (var expected in new[]
        {
            "Alerting:Rules:0:Objects: 'persn' is neither a category",
            "Email:Timeout: 00:00:00 must be positive",
            "Email:TrustedCertificate: '" + folder.File("nowhere.cer") + "' does not exist",
            "Metrics:Listen: '127.0.0.1:0'",
            "Sources:RescanInterval: 00:00:00 must be at least",
            "Sources:DropFolders:0:StaticObjects:MinIou: 2",
            "Sources:DropFolders:0:StaticObjects:MinOccurrences: 0",
            "Sources:DropFolders:0:StaticObjects:History: -1",
            "Sources:DropFolders:0:Masks:0:Points: a polygon needs at least 3 corners, it has 2",
            "Sources:Streams:0:Url: 'htp:/:garbage' is neither a stream URL",
        })
        {
            Assert.Contains("problem: " + expected, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_camera_expected_list_for_a_source_that_does_not_exist_is_refused_by_name()
    {
        using var folder = new TempFolder();
        var json = AgentConfig.Create(folder);
        json["Sources"] = new System.Text.Json.Nodes.JsonObject
        {
            ["DropFolders"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["Id"] = "CT-07", ["Path"] = Directory.CreateDirectory(folder.File("drop")).FullName }),
        };
        json["Detector"] = System.Text.Json.Nodes.JsonNode.Parse("""{ "Classifier": { "ExpectedAt": { "CT-7": [ "bovidae" ] } } }""");
        var config = AgentConfig.Write(folder, json);

        AssertConfigurationError(await AgentProcess.RunAsync("run", "--config", config), "Detector:Classifier:ExpectedAt:CT-7: no source has this id (sources: CT-07)");
    }

    [Fact]
    public async Task A_classifier_on_triton_without_a_triton_detector_is_refused_by_name()
    {
        using var folder = new TempFolder();
        var json = AgentConfig.Create(folder);
        json["Detector"] = System.Text.Json.Nodes.JsonNode.Parse("""{ "Classifier": { "TritonModel": "mobilenet-v2" } }""");
        var config = AgentConfig.Write(folder, json);

        AssertConfigurationError(
            await AgentProcess.RunAsync("run", "--config", config),
            "Detector:Classifier:TritonModel: 'mobilenet-v2' runs on the detector's Triton server: it needs Detector:Backend Triton and Detector:Classifier:Model");
    }

    [Fact]
    public async Task A_station_page_or_metrics_beyond_loopback_without_a_password_stop_run_with_exit_code_2_and_check_config_says_so()
    {
        using var folder = new TempFolder();
        var json = AgentConfig.Create(folder);
        json["Station"] = new System.Text.Json.Nodes.JsonObject { ["Listen"] = "0.0.0.0:9465", ["Alerts"] = 0 };
        json["Metrics"] = new System.Text.Json.Nodes.JsonObject { ["Listen"] = "0.0.0.0:9464" };
        var config = AgentConfig.Write(folder, json);

        AssertConfigurationError(
            await AgentProcess.RunAsync("run", "--config", config),
            "Station:Password:",
            "Station:Alerts: 0",
            "Metrics:Password: the metrics and health endpoint listens on 0.0.0.0:9464, beyond this machine, so it needs a login");
        var (code, output, _) = await AgentProcess.RunAsync("check-config", "--config", config);
        Assert.Equal(2, code);
        Assert.Contains("Station:Listen = 0.0.0.0:9465", output, StringComparison.Ordinal);
        Assert.Contains("problem: Station:Password:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_verbs_that_read_the_records_name_a_database_that_is_not_there_and_do_not_create_it()
    {
        using var folder = new TempFolder();
        var config = AgentConfig.Write(folder, AgentConfig.Create(folder));
        var database = folder.File("state/edge-agent.db");
        foreach (var verb in new[] { new[] { "counts" }, ["export"], ["verdict", "--list"], ["sync", "--left-behind"] })
        {
            AssertConfigurationError(await AgentProcess.RunAsync([.. verb, "--config", config]), $"Database:Path {database}: no database there yet");
        }

        Assert.False(File.Exists(database));
    }

    [Fact]
    public async Task A_file_that_is_not_a_records_database_is_named_by_report_and_counts_and_left_as_it_is()
    {
        using var folder = new TempFolder();
        var text = folder.File("notes.db");
        await File.WriteAllTextAsync(text, "these are a ranger's notes, not a database\n");
        AssertConfigurationError(
            await AgentProcess.RunAsync("report", "--database", text, "--output", folder.File("report")), text, "is not an edge-agent records database");

        // An empty file where the configuration says the database is: refused, and still empty.
        var json = AgentConfig.Create(folder);
        Directory.CreateDirectory(folder.File("state"));
        await File.WriteAllBytesAsync(folder.File("state/edge-agent.db"), []);
        var config = AgentConfig.Write(folder, json);
        AssertConfigurationError(await AgentProcess.RunAsync("counts", "--config", config), "is not an edge-agent records database");
        Assert.Equal(0, new FileInfo(folder.File("state/edge-agent.db")).Length);
    }

    [Theory]
    [InlineData("""{ "Alerting": { "Rules": [ { "Name": "r", "Where": "Insid" } ] } }""", "Alerting:Rules:0:Where: 'Insid' is not one of Anywhere, Inside, Outside")]
    [InlineData("""{ "Alerting": { "Rules": [ { "Name": "r", "Severity": "Urgent" } ] } }""", "Alerting:Rules:0:Severity: 'Urgent' is not one of")]
    [InlineData("""{ "Sources": { "DropFolders": [ { "Id": "a", "Path": "/tmp", "AfterProcessing": "Delete" } ] } }""", "Sources:DropFolders:0:AfterProcessing: 'Delete' is not one of Leave, Move")]
    [InlineData("""{ "Sources": { "DropFolders": [ { "Id": "a", "Pth": "/tmp" } ] } }""", "Sources:DropFolders:0:Pth: unknown key")]
    [InlineData("""{ "Emial": { "Host": "smtp.example.org" } }""", "unknown section 'Emial' (did you mean 'Email'?)")]
    [InlineData("""{ "Geofencing": { "Cameras": [ { "Id": "CT-07", "Latitude": -1.4 } ] } }""", "Geofencing:Cameras:0: a camera needs its position, Latitude and Longitude (WGS 84 degrees)")]
    [InlineData("""{ "Alerting": { "Rules": [ """, "line 1, position 28:")]
    public async Task Each_mistake_names_its_key_and_value_or_its_place_in_the_file(string file, string expected)
    {
        using var folder = new TempFolder();
        var path = folder.File("edge-agent.json");
        await File.WriteAllTextAsync(path, file);

        var (code, output, error) = await AgentProcess.RunAsync("check-config", "--config", path);

        Assert.Equal(2, code);
        Assert.Contains(expected, output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("ErrorOnUnknownConfiguration", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }
}

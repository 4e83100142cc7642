namespace EdgeAgent.Hosting;

using Prometheus;

/// <summary>The agent's Prometheus metrics.</summary>
public static class AgentMetrics
{
    public static readonly Counter FramesRead = Metrics.CreateCounter("edge_agent_frames_read_total", "Frames and pictures read, per source.", "source");

    /// <summary>Telemetry frames refused (a failed checksum or signature), per source.</summary>
    public static readonly Counter TelemetryRejected = Metrics.CreateCounter(
        "edge_agent_telemetry_rejected_total", "Live telemetry frames refused for a failed checksum or signature, per source.", "source");

    public static readonly Counter FramesDropped = Metrics.CreateCounter("edge_agent_frames_dropped_total", "Video frames replaced by a newer one before detection, per source.", "source");

    public static readonly Gauge SourceUp = Metrics.CreateGauge("edge_agent_source_up", "1 while a source delivers, 0 while it is reconnecting.", "source");

    public static readonly Histogram InferenceSeconds = Metrics.CreateHistogram(
        "edge_agent_inference_seconds", "Detector time per frame.", new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.002, 2, 12) });

    public static readonly Counter Detections = Metrics.CreateCounter("edge_agent_detections_total", "Detections recorded, per label.", "label");

    public static readonly Counter SpeciesLooks = Metrics.CreateCounter(
        "edge_agent_species_looks_total", "Video tracks' animals looked at by the species classifier (a few of each track's frames), per source.", "source");

    public static readonly Counter StaticSuppressed = Metrics.CreateCounter(
        "edge_agent_static_detections_suppressed_total", "Camera-trap detections dropped as repeated static objects, per source.", "source");

    public static readonly Counter AlertsQueued = Metrics.CreateCounter("edge_agent_alerts_queued_total", "Alerts committed to the outbox.");

    public static readonly Counter AlertsSent = Metrics.CreateCounter("edge_agent_alerts_sent_total", "Alerts delivered, per channel.", "channel");

    public static readonly Counter AlertsFailed = Metrics.CreateCounter("edge_agent_alerts_failed_total", "Alerts given up after their last attempt, per channel.", "channel");

    public static readonly Counter FramesByBackend = Metrics.CreateCounter("edge_agent_frames_by_backend_total", "Frames served by Triton or by the local detector.", "backend");

    public static readonly Counter OverlaySuppressed = Metrics.CreateCounter(
        "edge_agent_overlay_suppressed_total", "Camera-trap detections lying mostly on the picture's burned-in information band (a logo taken for a car), per source.", "source");

    public static readonly Histogram BurstHoldSeconds = Metrics.CreateHistogram(
        "edge_agent_burst_hold_seconds", "How long a camera-trap picture's alert waited for its burst to confirm it (at most the rule's burst gap).",
        new HistogramConfiguration { Buckets = [0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 30, 60] });

    public static readonly Gauge DatabaseBytes = Metrics.CreateGauge("edge_agent_database_bytes", "Size of the agent's database with its write-ahead log: the records grow for ever, by design.");

    public static readonly Gauge FreeBytes = Metrics.CreateGauge("edge_agent_state_free_bytes", "Free space on the file system of the agent's database.");

    public static readonly Gauge MqttConnected = Metrics.CreateGauge("edge_agent_mqtt_connected", "1 while the MQTT broker is connected.");

    public static readonly Gauge MqttEventsDropped = Metrics.CreateGauge(
        "edge_agent_mqtt_events_dropped", "Detection events dropped because the queue was full while the broker was away (alerts are never dropped).");

    public static readonly Counter DetectorWaitSeconds = Metrics.CreateCounter(
        "edge_agent_detector_wait_seconds_total", "Time the detector workers waited: for a frame (sources slower than detection), or for the next stage (placing, deciding, writing behind).", "for");

    public static readonly Histogram CommitSeconds = Metrics.CreateHistogram(
        "edge_agent_commit_seconds", "Time of one commit of the write stage (a batch of frames, with its fsync).",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });

    public static readonly Counter FailedFrames = Metrics.CreateCounter("edge_agent_frames_failed_total", "Frames the detector could not process, per source.", "source");

    public static readonly Histogram EndToEndSeconds = Metrics.CreateHistogram(
        "edge_agent_end_to_end_seconds", "From capture to the server's acknowledgement of the alert, per channel.",
        new HistogramConfiguration { LabelNames = ["channel"], Buckets = Histogram.ExponentialBuckets(0.05, 2, 12) });

    public static readonly Gauge SyncBacklog = Metrics.CreateGauge("edge_agent_sync_backlog_records", "Records (queue entries) waiting to reach the central database.");

    public static readonly Gauge SyncBacklogAge = Metrics.CreateGauge("edge_agent_sync_backlog_age_seconds", "Age of the oldest record waiting to reach the central database.");

    public static readonly Gauge SyncPicturesWaiting = Metrics.CreateGauge("edge_agent_sync_pictures_waiting", "Alert pictures waiting to reach the central database (the day's budget spent, or the link down).");
}

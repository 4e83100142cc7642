#!/usr/bin/python3
"""A real RTSP server for tests: GStreamer's gst-rtsp-server streaming a picture as live H.264.

Usage: rtsp-server.py PORT PICTURE [FPS]
Serves rtsp://127.0.0.1:PORT/camera until killed. The picture is encoded afresh at FPS frames per
second, so the stream behaves like a fixed camera looking at a scene.
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main() -> None:
    port, picture = sys.argv[1], sys.argv[2]
    fps = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(port)
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        f'( multifilesrc location="{picture}" loop=true caps=image/jpeg,framerate={fps}/1 ! jpegdec ! videoconvert '
        f"! videoscale ! video/x-raw,width=640,height=480 ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={fps} "
        f"! rtph264pay name=pay0 pt=96 config-interval=1 )"
    )
    factory.set_shared(True)
    server.get_mount_points().add_factory("/camera", factory)
    server.attach(None)
    print(f"rtsp://127.0.0.1:{port}/camera", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()

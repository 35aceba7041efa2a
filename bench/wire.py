"""Bytes on the wire between a browser and the server: a counting TCP relay on loopback.

The browser's own accounting misses what matters for a WebSocket (DevTools reports each frame's
payload after permessage-deflate, base64-encoded when binary), so the benchmark puts this relay
between the two and counts every byte the server sends: headers, bodies as encoded, WebSocket
frames as compressed. A connection whose first request is Streamlit's stream is counted apart.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

STREAM_PATH = b"/_stcore/stream"


class WireCounter:
    """Relay 127.0.0.1:<port> -> 127.0.0.1:<target_port>; `received()` = bytes the server sent."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.http = 0
        self.websocket = 0
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def received(self) -> dict[str, int]:
        return {"http": self.http, "websocket": self.websocket}

    def reset(self) -> None:
        self.http = self.websocket = 0

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._relay, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        server.close()
        for task in asyncio.all_tasks(self._loop):
            task.cancel()
        self._loop.run_until_complete(asyncio.sleep(0))
        self._loop.close()

    async def _relay(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_w.close()
            return
        first = await client_r.read(65536)
        is_stream = STREAM_PATH in first.split(b"\r\n", 1)[0]
        server_w.write(first)

        async def pump(reader, writer, count: bool) -> None:
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                while data := await reader.read(65536):
                    if count:
                        if is_stream:
                            self.websocket += len(data)
                        else:
                            self.http += len(data)
                    writer.write(data)
                    await writer.drain()
            with contextlib.suppress(Exception):
                writer.close()

        await asyncio.gather(pump(client_r, server_w, False), pump(server_r, client_w, True))

    def __enter__(self) -> WireCounter:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

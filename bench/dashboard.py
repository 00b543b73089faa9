"""The headline benchmark: the campaign dashboard and the committee overview, computed afresh,
at two sizes, one lead at a time and four at once.

    .venv/bin/python bench/dashboard.py                  # both sizes, both pages, 10 s per load
    .venv/bin/python bench/dashboard.py --sizes 10000x200x100000 --seconds 20
    .venv/bin/python bench/dashboard.py --pages campaign_dashboard --reset   # seed afresh

The targets (issue 21), with the dashboards' cache off (DASHBOARD_CACHE_SECONDS=0: every
request computes the page), DEBUG off, gunicorn as deployed, on this machine:
- 10,000 people in 200 units with 100,000 conversations over 40 weeks (and 200 actions):
  <= 150 ms p50 one lead at a time, <= 300 ms p50 with four leads at once, <= 15 queries;
- 50,000 people in 1,000 units with 500,000 conversations: <= 300 ms p50 one at a time. The
  cost grows with the roster and the units shown, not with the length of the history: the
  completed weeks' trends are kept (campaigns/dashboards/services.py), so a page reads them.
- the committee overview under the same rules.

Each size has a database of its own, so that both stay seeded between runs: DATABASE_URL (by
default `majority_bench`, shared with bench/chart.py) for the first size, the same name with
`_<people>` appended for the others. For each size, in a process of its own:
1. `seed_bench --force` (kept from an earlier run of the same size), then the beat's work:
   trends_refresh keeps every completed week (timed and printed: what a dashboard no longer
   does), then ANALYZE. Four committee leads, each with two-factor, each signed in (the test
   client's force_login): four session cookies.
2. In process (Django's test client): the queries of one render of each page.
3. Served as in production: gunicorn with `--workers` sync workers on loopback, the
   project's URLs plus a bare view and a signed-in no-op (bench/_serve.py). Each page is
   loaded with one connection (one lead at a time) and then with four (four leads at once,
   each request carrying one of the four leads' session cookies in turn), each for
   `--seconds` after a 3-second warm-up. Server time: gunicorn's own time for each request
   (its access log's %(D)s, from the request parsed to the response written), p50 and p95.
Every page request must answer 200: a redirect to log in would be a failure. Prints the
machine's load average before and after: other jobs skew the figures.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from _results import Target, add_json_option, figure, write_figures

LEADS = 4
SIZES = "10000x200x100000,50000x1000x500000"
PAGES = "campaign_dashboard,committee_overview"
TARGETS = {  # (size index, figure): the bound it must keep
    (0, "alone_p50"): Target("<=", 150, "ms"),
    (0, "four_p50"): Target("<=", 300, "ms"),
    (0, "queries"): Target("<=", 15),
    (1, "alone_p50"): Target("<=", 300, "ms"),
    (1, "four_p50"): None,
    (1, "queries"): Target("<=", 15),
}
UNITS = {"queries": "", "alone_p50": "ms", "four_p50": "ms"}
LABELS = {
    "queries": "queries",
    "alone_p50": "server time p50, 1 lead",
    "four_p50": "server time p50, 4 leads at once",
}

WRK_LEADS = """
cookies = {{{cookies}}}
n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, {{["Cookie"] = cookies[n % #cookies + 1]}})
end
"""


def leads() -> list:
    """The bench committee's lead and three more, each signed in (with two-factor) in a
    test client of their own."""
    from _django import signed_in_client

    from campaigns.management.commands.seed_bench import COMMITTEE, LEAD_EMAIL
    from members.models import Committee, Membership, User

    committee = Committee.objects.get(name=COMMITTEE)
    users = [User.objects.get(email=LEAD_EMAIL)]
    for n in range(2, LEADS + 1):
        user, _created = User.objects.get_or_create(
            email=f"bench-lead-{n}@majority.test", defaults={"name": f"Bench Lead {n}"}
        )
        users.append(user)
    for user in users:
        Membership.objects.get_or_create(
            committee=committee, user=user, defaults={"role": Membership.Role.LEAD}
        )
    return [signed_in_client(user) for user in users]


def queries_of(client, url: str) -> int:
    """The queries of one render, after a warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as done:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(done)


def get(port: int, path: str, cookie: str) -> tuple[int, int, str | None]:
    """Status, size and redirect of one GET, without following redirects."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, len(body), response.getheader("Location")


def server_times(access_log: Path, skip: int, path: str) -> dict:
    """p50/p95 of gunicorn's time (ms) for the requests to `path` logged after line `skip`."""
    times, other = [], 0
    for line in access_log.read_text().splitlines()[skip:]:
        url, status, micros = line.split()
        if url != path:
            continue
        if status == "200":
            times.append(int(micros) / 1000)
        else:
            other += 1
    return {
        "n": len(times),
        "p50": statistics.median(times) if times else float("nan"),
        "p95": statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else float("nan"),
        "not_200": other,
    }


def load(port: int, path: str, seconds: int, connections: int, script, log: Path) -> dict:
    """Warm up, then the measured run; with gunicorn's own times of the measured part."""
    from _serve import wrk

    url = f"http://127.0.0.1:{port}{path}"
    wrk(url, 3, connections, script)
    skip = len(log.read_text().splitlines())
    result = wrk(url, seconds, connections, script)
    time.sleep(0.5)  # the last access-log lines
    return {**result, "server": server_times(log, skip, path)}


def one_size(args) -> dict:
    """Seed, keep the trends, and measure every page at one size (in this process)."""
    from _django import seed_bench, setup_django
    from _serve import serve

    os.environ["DASHBOARD_CACHE_SECONDS"] = "0"  # computed afresh: the headline figures
    setup_django()
    from django.urls import reverse

    from campaigns.dashboards.services import trends_rebuild
    from campaigns.management.commands.seed_bench import CAMPAIGN, COMMITTEE
    from campaigns.models import Campaign

    people, units, conversations = (int(n) for n in args.one.split("x"))
    seed_bench(
        reset=args.reset,
        people=people,
        units=units,
        conversations=conversations,
        actions=args.actions,
        weeks=args.weeks,
    )
    campaign = Campaign.objects.get(committee__name=COMMITTEE, code_name=CAMPAIGN)
    started = time.perf_counter()
    trends_rebuild(campaign_ids=[campaign.pk])
    keeping = time.perf_counter() - started
    paths = {
        "campaign_dashboard": reverse("campaign_dashboard", args=[campaign.pk]),
        "committee_overview": reverse("committee_overview", args=[campaign.committee_id]),
    }
    clients = leads()
    result = {
        "size": args.one,
        "keeping_s": keeping,
        "pages": {},
    }
    for page in args.pages.split(","):
        result["pages"][page] = {"queries": queries_of(clients[0], paths[page])}
    cookies = [f"sessionid={client.cookies['sessionid'].value}" for client in clients]
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        access_log = tmp / "access.log"
        script = tmp / "leads.lua"
        script.write_text(WRK_LEADS.format(cookies=", ".join(f'"{c}"' for c in cookies)))
        with serve(args.workers, args.port, tmp, access_log):
            for page in args.pages.split(","):
                path = paths[page]
                for cookie in cookies:
                    status, size, location = get(args.port, path, cookie)
                    assert status == 200, f"a lead gets {status} {location or ''} from {path}"
                figures = result["pages"][page]
                figures["kb"] = size / 1024
                for key, connections in (("alone", 1), ("four", LEADS)):
                    run = load(args.port, path, args.seconds, connections, script, access_log)
                    figures[f"{key}_p50"] = run["server"]["p50"]
                    figures[f"{key}_p95"] = run["server"]["p95"]
                    figures[f"{key}_rps"] = run["rps"]
                    figures[f"{key}_failed"] = run["server"]["not_200"] + run["errors"]
    return result


def database_for(index: int, people: str) -> str:
    """The first size's database is DATABASE_URL's; the others get `_<people>` appended."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/majority_bench")
    if index == 0:
        return url
    parts = urlsplit(url)
    return parts._replace(path=f"{parts.path}_{people}").geturl()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=SIZES, help="people x units x conversations, ...")
    parser.add_argument("--pages", default=PAGES)
    parser.add_argument("--seconds", type=int, default=10, help="per load")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8792)
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--weeks", type=int, default=40)
    parser.add_argument("--reset", action="store_true", help="rebuild the bench data first")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # one size, in this process
    parser.add_argument("--one-json", help=argparse.SUPPRESS)  # ... and its result
    add_json_option(parser)
    args = parser.parse_args()
    if args.one:
        Path(args.one_json).write_text(json.dumps(one_size(args)))
        return

    print(f"load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    results = []
    for index, size in enumerate(args.sizes.split(",")):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, __file__, "--one", size, "--one-json", out.name]
            command += ["--pages", args.pages, "--seconds", str(args.seconds)]
            command += ["--workers", str(args.workers), "--port", str(args.port)]
            command += ["--actions", str(args.actions), "--weeks", str(args.weeks)]
            command += ["--reset"] if args.reset else []
            env = {**os.environ, "DATABASE_URL": database_for(index, size.split("x")[0])}
            subprocess.run(command, env=env, check=True)  # noqa: S603 - this very script
            results.append(json.loads(Path(out.name).read_text()))
    print(f"load average after: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    write_figures(args.json, report(results, args))


def report(results: list[dict], args) -> list[dict]:
    """Print the table (and return its figures, each with its target and whether it is met)."""
    print(
        f"\nDEBUG off, DASHBOARD_CACHE_SECONDS=0, gunicorn -w{args.workers}, "
        f"{args.seconds} s per load; server time in ms"
    )
    print(
        f"{'size (people x units x conversations)':<38} {'page':<20} {'queries':>7} "
        f"{'1 lead p50':>10} {'p95':>6} {'4 leads p50':>11} {'p95':>6} {'KB':>5}"
    )
    figures = []
    for index, result in enumerate(results):
        print(f"  (keeping every week of the trends from the history: {result['keeping_s']:.1f} s)")
        for page, row in result["pages"].items():
            print(
                f"{result['size']:<38} {page:<20} {row['queries']:>7} "
                f"{row['alone_p50']:>10.1f} {row['alone_p95']:>6.0f} "
                f"{row['four_p50']:>11.1f} {row['four_p95']:>6.0f} {row['kb']:>5.0f}"
            )
            if row["alone_failed"] or row["four_failed"]:
                print(
                    f"   !! {row['alone_failed'] + row['four_failed']} requests did not answer 200"
                )
            for key in ("queries", "alone_p50", "four_p50"):
                note = f"p95 {row[key.replace('p50', 'p95')]:.0f} ms" if "p50" in key else ""
                figures.append(
                    figure(
                        f"{page}, {result['size']}: {LABELS[key]}",
                        row[key],
                        UNITS[key],
                        TARGETS.get((min(index, 1), key)),
                        note,
                    )
                )
    if len(results) > 1:
        print()
        for page in results[0]["pages"]:
            small, big = results[0]["pages"][page], results[-1]["pages"][page]
            ratio = big["alone_p50"] / small["alone_p50"]
            print(
                f"{page}: {results[-1]['size']} / {results[0]['size']}, one lead at a time: "
                f"{ratio:.2f}x the time"
            )
    print()
    for row in figures:
        if row["target"] is not None:
            verdict = "met" if row["met"] else "NOT MET"
            print(f"{row['name']}: {row['value']:.1f} (target {row['target']}) {verdict}")
    return figures


if __name__ == "__main__":
    main()

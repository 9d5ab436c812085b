"""The deployment files: docker-compose.yml, deploy/nginx.conf, the image and CI.

No Docker engine runs here, so these read the files (and run the shell scripts
against stand-in commands) to check what a deployment relies on.
"""

import os
import re
import stat
import subprocess
import textwrap
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
NGINX = ROOT / "deploy" / "nginx.conf"
CI_RUN = ROOT / ".ci" / "run"
DOCKERFILE = ROOT / "Dockerfile"
ENTRYPOINT = ROOT / "deploy" / "entrypoint.sh"

WEB_SERVICES = ("web1", "web2")


# --- docker-compose.yml --------------------------------------------------------------------

_VARIABLE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


def interpolate(value: str) -> str:
    """Compose's variable substitution, with no variable set: defaults apply and
    required variables (`${X:?message}`) stand for a value the operator gives."""

    def replace(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        operator, argument = match.group(2), match.group(3)
        if operator and operator.endswith("-"):
            return argument
        if operator and operator.endswith("?"):
            return f"operator-supplied-{match.group(1).lower()}"
        return ""

    return _VARIABLE.sub(replace, value)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def raw_environment(service: dict) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        pairs = (item.split("=", 1) if "=" in item else (item, "") for item in environment)
        environment = dict(pairs)
    return {key: "" if value is None else str(value) for key, value in environment.items()}


def environment_of(service: dict) -> dict[str, str]:
    return {key: interpolate(value) for key, value in raw_environment(service).items()}


def mounts_of(service: dict) -> list[tuple[str, str]]:
    """(source, target) of each mount, short or long syntax."""
    mounts = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            mounts.append((volume.get("source", ""), volume["target"]))
        else:
            source, target = volume.split(":")[:2]
            mounts.append((source, target))
    return mounts


def depends_on(service: dict) -> dict[str, str]:
    """Dependency name -> condition."""
    dependencies = service.get("depends_on") or {}
    if isinstance(dependencies, list):
        return {name: "service_started" for name in dependencies}
    return {
        name: (spec or {}).get("condition", "service_started")
        for name, spec in dependencies.items()
    }


def test_compose_defines_the_database_redis_two_web_processes_and_the_proxy(services):
    assert {"db", "redis", "web1", "web2", "proxy"} <= set(services)
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert services["proxy"]["image"].startswith("nginx:")


def test_both_web_processes_run_the_same_image_built_from_this_repository(services):
    builds = [services[name].get("build") for name in WEB_SERVICES]
    assert builds[0] is not None
    assert builds[0] == builds[1]
    context = builds[0] if isinstance(builds[0], str) else builds[0].get("context", ".")
    dockerfile = "Dockerfile" if isinstance(builds[0], str) else builds[0].get("dockerfile")
    assert (ROOT / context / (dockerfile or "Dockerfile")).is_file()
    assert services["web1"].get("image") == services["web2"].get("image")
    assert services["web1"].get("command") == services["web2"].get("command")


@pytest.mark.parametrize("name", WEB_SERVICES)
def test_web_process_uses_the_compose_postgresql_database(services, name):
    url = urlsplit(environment_of(services[name])["DATABASE_URL"])
    db_environment = environment_of(services["db"])
    assert url.scheme in {"postgres", "postgresql", "pgsql"}
    assert url.hostname == "db"
    assert url.port in (None, 5432)
    assert url.path.lstrip("/") == db_environment["POSTGRES_DB"]
    assert url.username == db_environment.get("POSTGRES_USER", "postgres")
    assert url.password == db_environment["POSTGRES_PASSWORD"]


@pytest.mark.parametrize("name", WEB_SERVICES)
def test_web_process_uses_the_compose_redis(services, name):
    url = urlsplit(environment_of(services[name])["REDIS_URL"])
    assert url.scheme == "redis"
    assert url.hostname == "redis"
    assert url.port in (None, 6379)


@pytest.mark.parametrize("name", WEB_SERVICES)
def test_web_process_runs_with_debug_off_and_a_secret_key_from_the_operator(services, name):
    raw = raw_environment(services[name])
    assert environment_of(services[name])["DEBUG"].lower() in {"0", "false", "off", "no"}
    # No secret committed to the repository: compose refuses to start without one.
    assert re.fullmatch(r"\$\{SECRET_KEY:?\?[^}]*\}", raw["SECRET_KEY"])
    environment = environment_of(services[name])
    assert environment["ALLOWED_HOSTS"]
    assert environment["CSRF_TRUSTED_ORIGINS"]


@pytest.mark.parametrize("name", WEB_SERVICES)
def test_web_process_waits_for_healthy_database_and_redis(services, name):
    dependencies = depends_on(services[name])
    assert dependencies.get("db") == "service_healthy"
    assert dependencies.get("redis") == "service_healthy"
    assert services["db"].get("healthcheck", {}).get("test")
    assert services["redis"].get("healthcheck", {}).get("test")


def test_exactly_one_web_process_runs_the_migrations(services):
    migrating = [
        name for name in WEB_SERVICES if environment_of(services[name]).get("RUN_MIGRATIONS") == "1"
    ]
    assert migrating == ["web1"]


def test_proxy_publishes_a_port_and_depends_on_both_web_processes(services):
    proxy = services["proxy"]
    ports = proxy.get("ports") or []
    assert ports, "the proxy publishes no port"
    published = []
    for port in ports:
        if isinstance(port, dict):
            published.append((str(port.get("published", "")), str(port["target"])))
        else:
            host, _, container = str(port).rpartition(":")
            published.append((host.rpartition(":")[2], container))
    listen_ports = {args[0].rpartition(":")[2] for args in directives(server_block(), "listen")}
    assert any(host and container in listen_ports for host, container in published)
    assert set(WEB_SERVICES) <= set(depends_on(proxy))


def test_proxy_mounts_the_nginx_configuration(services):
    mounts = dict((target, source) for source, target in mounts_of(services["proxy"]))
    source = mounts.get("/etc/nginx/conf.d/default.conf")
    assert source is not None
    assert (ROOT / source).resolve() == NGINX


def test_database_and_media_live_in_named_volumes(compose, services):
    named = set(compose.get("volumes") or {})
    assert {"pgdata", "media"} <= named
    assert ("pgdata", "/var/lib/postgresql/data") in mounts_of(services["db"])
    for name in WEB_SERVICES:
        media_root = environment_of(services[name])["MEDIA_ROOT"]
        assert ("media", media_root) in mounts_of(services[name])


def test_private_media_is_not_served_by_the_proxy_from_disk(services):
    # Uploads of private spaces must go through Django's membership checks.
    assert all(source != "media" for source, _ in mounts_of(services["proxy"]))
    assert not [args for args in all_directives(parse_nginx()) if args[0] in {"root", "alias"}]


# --- deploy/nginx.conf ---------------------------------------------------------------------

_TOKEN = re.compile(r"""#[^\n]*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[{};]|[^\s{};"'#]+""")


def parse_nginx(text: str | None = None) -> list:
    """nginx configuration as a tree: [(name, [args...], children or None), ...]."""
    tokens = [
        token.strip("\"'") if token[0] in "\"'" else token
        for token in _TOKEN.findall(NGINX.read_text() if text is None else text)
        if not token.startswith("#")
    ]
    position = 0

    def block(nested: bool) -> list:
        nonlocal position
        items, words = [], []
        while position < len(tokens):
            token = tokens[position]
            position += 1
            if token == ";":
                items.append((words[0], words[1:], None))
                words = []
            elif token == "{":
                items.append((words[0], words[1:], block(nested=True)))
                words = []
            elif token == "}":
                assert nested, "unbalanced braces: '}' closes nothing"
                assert not words, f"unterminated directive {words}"
                return items
            else:
                words.append(token)
        assert not nested, "unbalanced braces: a block is not closed"
        assert not words, f"unterminated directive {words}"
        return items

    return block(nested=False)


def all_directives(tree: list):
    for name, args, children in tree:
        yield [name, *args]
        if children:
            yield from all_directives(children)


def directives(tree: list, name: str) -> list[list[str]]:
    return [args for directive, args, _ in tree if directive == name]


def blocks(tree: list, name: str) -> list[tuple[list[str], list]]:
    return [(args, children) for directive, args, children in tree if directive == name]


def server_block() -> list:
    servers = blocks(parse_nginx(), "server")
    assert len(servers) == 1
    return servers[0][1]


def location(path: str) -> list:
    found = [children for args, children in blocks(server_block(), "location") if args == [path]]
    assert found, f"no location {path}"
    return found[0]


def headers(location_block: list) -> dict[str, str]:
    return {
        args[0].lower(): " ".join(args[1:])
        for args in directives(location_block, "proxy_set_header")
    }


def seconds(value: str) -> float:
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
    total = 0.0
    for number, unit in re.findall(r"(\d+)(ms|s|m|h|d)?", value):
        total += int(number) * units[unit or "s"]
    return total


def upstream() -> tuple[str, list]:
    upstreams = blocks(parse_nginx(), "upstream")
    assert len(upstreams) == 1
    args, children = upstreams[0]
    return args[0], children


def test_nginx_parser_reads_blocks_and_rejects_unbalanced_braces():
    tree = parse_nginx(
        "upstream u { server a:1; } # comment { \nserver { location /x/ { a 'b c'; } }"
    )
    assert blocks(tree, "upstream") == [(["u"], [("server", ["a:1"], None)])]
    assert directives(blocks(blocks(tree, "server")[0][1], "location")[0][1], "a") == [["b c"]]
    with pytest.raises(AssertionError):
        parse_nginx("server { listen 80;")
    with pytest.raises(AssertionError):
        parse_nginx("server { listen 80; } }")
    with pytest.raises(AssertionError):
        parse_nginx("server { listen 80 }")


def test_upstream_balances_over_both_web_processes():
    _, children = upstream()
    servers = {args[0] for args in directives(children, "server")}
    assert servers == {f"{name}:8000" for name in WEB_SERVICES}
    assert directives(children, "least_conn") == [[]]


@pytest.mark.parametrize("path", ["/", "/ws/"])
def test_locations_proxy_to_the_upstream_with_forwarding_headers(path):
    name, _ = upstream()
    block = location(path)
    assert directives(block, "proxy_pass") == [[f"http://{name}"]]
    # proxy_set_header in a location replaces every inherited one, so each
    # location must carry the full list.
    sent = headers(block)
    assert sent.get("host") in {"$host", "$http_host"}
    assert sent.get("x-forwarded-proto") == "$scheme"
    assert sent.get("x-forwarded-for") in {"$remote_addr", "$proxy_add_x_forwarded_for"}


def test_websocket_location_passes_the_upgrade_handshake():
    block = location("/ws/")
    sent = headers(block)
    assert directives(block, "proxy_http_version") == [["1.1"]]
    assert sent.get("upgrade") == "$http_upgrade"
    connection = sent.get("connection", "")
    if connection.startswith("$"):
        maps = {tuple(args): children for args, children in blocks(parse_nginx(), "map")}
        mapping = maps.get(("$http_upgrade", connection))
        assert mapping is not None, f"{connection} is not mapped from $http_upgrade"
        assert ("default", ["upgrade"], None) in mapping
    else:
        assert connection.lower() == "upgrade"


def test_websocket_location_keeps_idle_connections_open_long():
    timeouts = directives(location("/ws/"), "proxy_read_timeout")
    assert timeouts and seconds(timeouts[0][0]) >= 600


def test_request_bodies_up_to_ten_megabytes_are_accepted():
    assert directives(server_block(), "client_max_body_size") == [["10m"]]


# --- the image -----------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in lines
        if line and not line.startswith("#")
    ]


def test_image_runs_daphne_as_a_non_root_user_through_the_entrypoint():
    instructions = dockerfile_instructions()
    users = [value for instruction, value in instructions if instruction == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    entrypoints = [yaml.safe_load(v) for i, v in instructions if i == "ENTRYPOINT"]
    assert entrypoints[-1] == ["/app/deploy/entrypoint.sh"]
    command = yaml.safe_load([v for i, v in instructions if i == "CMD"][-1])
    assert command[0] == "daphne" and command[-1] == "project.asgi:application"
    assert ENTRYPOINT.stat().st_mode & stat.S_IXUSR


def write_stub(directory: Path, name: str, body: str) -> None:
    path = directory / name
    path.write_text("#!/bin/sh\n" + textwrap.dedent(body))
    path.chmod(0o755)


def run_entrypoint(tmp_path: Path, run_migrations: str | None) -> tuple[str, list[str]]:
    stubs = tmp_path / "bin"
    stubs.mkdir()
    log = tmp_path / "python.log"
    write_stub(stubs, "python", f'echo "$*" >> {log}\n')
    env = {"PATH": f"{stubs}:{os.environ['PATH']}"}
    if run_migrations is not None:
        env["RUN_MIGRATIONS"] = run_migrations
    result = subprocess.run(
        ["sh", str(ENTRYPOINT), "echo", "daphne-started"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return result.stdout, log.read_text().splitlines() if log.exists() else []


def test_entrypoint_migrates_then_runs_the_command_when_asked(tmp_path):
    stdout, calls = run_entrypoint(tmp_path, "1")
    assert calls == [f"{ROOT}/manage.py migrate --noinput"]
    assert stdout.strip() == "daphne-started"


def test_entrypoint_does_not_migrate_unless_asked(tmp_path):
    stdout, calls = run_entrypoint(tmp_path, None)
    assert calls == []
    assert stdout.strip() == "daphne-started"


# --- .ci/run -------------------------------------------------------------------------------


class FakeCI:
    """Runs .ci/run with stand-ins for make and the service tools, recording calls."""

    def __init__(self, tmp_path: Path, *, services_up: bool = True, carnet_db: bool = True):
        self.dir = tmp_path
        self.bin = tmp_path / "bin"
        self.bin.mkdir(parents=True)
        self.log = tmp_path / "calls.log"
        state = tmp_path / "state"
        state.mkdir()
        if services_up:
            (state / "postgres").touch()
            (state / "redis").touch()
        log = self.log
        write_stub(self.bin, "pg_isready", f"[ -e {state}/postgres ]\n")
        write_stub(
            self.bin, "pg_ctlcluster", f'echo "pg_ctlcluster $*" >> {log}; touch {state}/postgres\n'
        )
        write_stub(self.bin, "redis-cli", f"[ -e {state}/redis ] && echo PONG || exit 1\n")
        write_stub(
            self.bin, "redis-server", f'echo "redis-server $*" >> {log}; touch {state}/redis\n'
        )
        write_stub(self.bin, "psql", "echo 1\n" if carnet_db else "echo\n")
        write_stub(self.bin, "createdb", f'echo "createdb $*" >> {log}\n')
        write_stub(
            self.bin,
            "make",
            f"""\
            n=$(( $(cat {tmp_path}/make.count 2>/dev/null || echo 0) + 1 ))
            echo $n > {tmp_path}/make.count
            services="${{DATABASE_URL-unset}}|${{REDIS_URL-unset}}"
            echo "make $*|$PWD|$services|${{CARNET_REQUIRE_SERVICES-unset}}" >> {log}
            exit $(sed -n "${{n}}p" {tmp_path}/make.codes)
            """,
        )

    def run(self, *make_codes: int) -> subprocess.CompletedProcess:
        (self.dir / "make.codes").write_text("".join(f"{code}\n" for code in make_codes))
        env = {
            "PATH": f"{self.bin}:{os.environ['PATH']}",
            "HOME": str(self.dir),
            # A developer's own settings must not leak into the embedded run.
            "DATABASE_URL": "postgres://leaked@example.invalid/x",
            "REDIS_URL": "redis://leaked.invalid:6379/0",
            "CARNET_REQUIRE_SERVICES": "leaked",
        }
        return subprocess.run(
            ["bash", str(CI_RUN)],
            cwd=self.dir,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )

    def calls(self, prefix: str) -> list[str]:
        lines = self.log.read_text().splitlines() if self.log.exists() else []
        return [line for line in lines if line.startswith(prefix)]


def test_ci_script_is_executable_bash_that_stops_on_errors():
    assert CI_RUN.stat().st_mode & stat.S_IXUSR
    text = CI_RUN.read_text()
    assert text.startswith("#!/usr/bin/env bash") or text.startswith("#!/bin/bash")
    assert "set -euo pipefail" in text


def test_ci_runs_make_test_embedded_then_on_the_services(tmp_path):
    ci = FakeCI(tmp_path)
    result = ci.run(0, 0)
    assert result.returncode == 0, result.stdout + result.stderr
    embedded, services = [line.split("|") for line in ci.calls("make ")]
    assert embedded == ["make test", str(ROOT), "unset", "unset", "unset"]
    assert services[:2] == ["make test", str(ROOT)]
    database, redis, require = services[2:]
    assert urlsplit(database).scheme in {"postgres", "postgresql"}
    assert urlsplit(database).hostname == "127.0.0.1"
    assert urlsplit(database).path == "/carnet"
    assert urlsplit(redis).scheme == "redis" and urlsplit(redis).hostname == "127.0.0.1"
    assert require == "1"
    assert "PASS" in result.stdout


@pytest.mark.parametrize("codes", [(1, 0), (0, 1), (5, 0), (0, 5), (2, 2)])
def test_ci_runs_both_suites_and_fails_when_either_fails(tmp_path, codes):
    ci = FakeCI(tmp_path)
    result = ci.run(*codes)
    assert result.returncode != 0
    assert len(ci.calls("make test")) == 2
    assert "FAIL" in result.stdout


def test_ci_starts_postgresql_and_redis_when_they_are_down(tmp_path):
    ci = FakeCI(tmp_path, services_up=False)
    result = ci.run(0, 0)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(ci.calls("pg_ctlcluster --skip-systemctl-redirect ")) == 1
    assert ci.calls("pg_ctlcluster")[0].endswith(" main start")
    (redis,) = ci.calls("redis-server ")
    assert "--daemonize yes" in redis and "--port 6379" in redis


def test_ci_leaves_running_services_alone(tmp_path):
    ci = FakeCI(tmp_path)
    assert ci.run(0, 0).returncode == 0
    assert ci.calls("pg_ctlcluster") == [] and ci.calls("redis-server") == []


def test_ci_creates_the_carnet_database_only_when_missing(tmp_path):
    missing = FakeCI(tmp_path / "missing", carnet_db=False)
    assert missing.run(0, 0).returncode == 0
    assert [line.split()[-1] for line in missing.calls("createdb ")] == ["carnet"]
    present = FakeCI(tmp_path / "present", carnet_db=True)
    assert present.run(0, 0).returncode == 0
    assert present.calls("createdb") == []

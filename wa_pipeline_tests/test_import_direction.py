"""Imports point down, never up or round: the one place the package's layering is written down.

Every `import` in the package counts, at module level or inside a function (a lazy import is still an arrow).
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "wa_pipeline"

# From the bottom. A unit may import any unit of a lower layer, and a unit of its own layer only where SIDEWAYS
# allows it. A unit is a sub-package, or for the contracts a top-level module.
LAYERS: tuple[tuple[str, ...], ...] = (
    # The contracts: the canonical message and its frame, the settings, the data layout.
    (
        "message",
        "message_frame",
        "cross_source",
        "business_senders",
        "landing_days",
        "settings",
        "sync_tuning",
        "data_layout",
    ),
    # Storage: landing store, media store, dead letters, every ledger's SQL.
    ("store",),
    # The sources and engines, and the rules over them.
    ("whatsapp", "media", "nlp", "quality"),
    # Rows in, a sheet out.
    ("sheets",),
    # What spans the sources: dead-letter replay, the report, the probes, the commands.
    ("replay", "reporting", "doctor", "commands", "privacy"),
    # The Dagster layer: wiring only.
    ("defs", "definitions"),
    # The console script.
    ("cli",),
)
SIDEWAYS = {
    ("message_frame", "message"),
    ("cross_source", "message"),
    ("business_senders", "message"),
    ("settings", "sync_tuning"),
    ("settings", "data_layout"),
    ("quality", "nlp"),  # the rules read what the engines produce; the engines never know the rules
    ("whatsapp", "media"),  # an export's attachments are typed by media/sniff
    ("commands", "replay"),
}
# Lower, yet out of reach: the sheets take rows in and never read language, a source or an engine themselves. What a
# tab needs from words (a stated total, who is the business) is a column the enrichment wrote or a contract below.
FORBIDDEN_UNIT_ARROWS = {("sheets", "nlp"), ("sheets", "whatsapp"), ("sheets", "media")}
# Within nlp, the intent model never reaches for the evaluation that measures it.
FORBIDDEN_MODULE_ARROWS = {("wa_pipeline.nlp.intent", "wa_pipeline.nlp.evaluation")}

# Only defs/, definitions.py and cli.py import dagster: everything else is plain Python, testable without an instance.
# Helpers of the Dagster layer that are not definitions live in defs/_shared/.
IMPORTS_DAGSTER = {"defs", "definitions", "cli"}

RANK = {unit: rank for rank, layer in enumerate(LAYERS) for unit in layer}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package modules `name` imports; `from pkg import sub` counts as an import of pkg.sub."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known}
    return {target for target in found if target in known and target != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def _unit(module: str) -> str:
    return module.split(".")[1] if "." in module else module


def _upward(graph: dict[str, set[str]]) -> list[str]:
    wrong = []
    for source, targets in graph.items():
        for target in targets:
            low, high = _unit(target), _unit(source)
            if low == high:
                if (source, target) in FORBIDDEN_MODULE_ARROWS:
                    wrong.append(f"{source} -> {target}")
                continue
            if low not in RANK or high not in RANK:
                wrong.append(f"{source} -> {target}: {sorted({low, high} - set(RANK))} not in LAYERS")
            elif (
                RANK[low] > RANK[high]
                or (RANK[low] == RANK[high] and (high, low) not in SIDEWAYS)
                or (high, low) in FORBIDDEN_UNIT_ARROWS
            ):
                wrong.append(f"{source} -> {target}")
    return sorted(wrong)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    edges = graph
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_every_unit_has_a_layer():
    units = {_unit(name) for name in _modules() if name != "wa_pipeline"}
    assert units - set(RANK) == set()


def test_no_import_points_up_or_sideways_unless_allowed():
    assert _upward(_graph()) == []


def _is_dagster(module: str) -> bool:
    """dagster itself or one of its libraries (dagster_celery, dagster_webserver...)."""
    top = module.split(".")[0]
    return top == "dagster" or top.startswith("dagster_")


def _imports_dagster(source: str) -> bool:
    """Whether the code imports dagster anywhere, at module level or inside a function."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import) and any(_is_dagster(alias.name) for alias in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and not node.level and _is_dagster(node.module or ""):
            return True
    return False


def _sources() -> dict[str, str]:
    return {name: path.read_text(encoding="utf-8") for name, path in _modules().items()}


def _dagster_outside_its_layer(sources: dict[str, str]) -> list[str]:
    return sorted(
        name for name, source in sources.items() if _unit(name) not in IMPORTS_DAGSTER and _imports_dagster(source)
    )


def test_only_defs_definitions_and_cli_import_dagster():
    sources = _sources()
    assert _dagster_outside_its_layer(sources) == []
    # The check sees what it should: the definitions, the defs' shared helpers and the CLI do import dagster.
    importers = {name for name, source in sources.items() if _imports_dagster(source)}
    assert {"wa_pipeline.definitions", "wa_pipeline.defs._shared.day_range", "wa_pipeline.cli"} <= importers


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("wa_pipeline.store.frames", "import dagster as dg"),
        ("wa_pipeline.sheets.sink", "from dagster import AssetCheckResult"),
        ("wa_pipeline.reporting.report_data", "def later():\n    import dagster_celery"),
        ("wa_pipeline.settings", "from dagster._core.definitions import AssetKey"),
    ],
)
def test_an_injected_dagster_import_outside_defs_is_caught(module, line):
    sources = _sources()
    sources[module] += f"\n{line}\n"
    assert _dagster_outside_its_layer(sources) == [module]


def test_no_import_cycle():
    assert _cycles(_graph()) == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("wa_pipeline.store.sqlite_landing", "wa_pipeline.whatsapp.importer"),
        ("wa_pipeline.settings", "wa_pipeline.sheets.sink"),
        ("wa_pipeline.nlp.entities", "wa_pipeline.quality.message_rules"),
        ("wa_pipeline.sheets.sink", "wa_pipeline.defs.resources"),
        ("wa_pipeline.whatsapp.importer", "wa_pipeline.nlp.entities"),
        # Down a layer, but the sheets never read language (the arrow the Messages tab's stated total once was).
        ("wa_pipeline.sheets.tabs.messages", "wa_pipeline.nlp.money"),
        ("wa_pipeline.sheets.tabs.orders", "wa_pipeline.nlp.threads"),
    ],
)
def test_an_injected_upward_arrow_is_caught(source, target):
    graph = _graph()
    graph[source] = graph[source] | {target}
    assert f"{source} -> {target}" in _upward(graph)


def test_an_injected_cycle_is_caught():
    graph = _graph()
    graph["wa_pipeline.store.sqlite_landing"] = graph["wa_pipeline.store.sqlite_landing"] | {
        "wa_pipeline.store.dead_letters"
    }
    graph["wa_pipeline.store.dead_letters"] = graph["wa_pipeline.store.dead_letters"] | {
        "wa_pipeline.store.sqlite_landing"
    }
    assert ["wa_pipeline.store.dead_letters", "wa_pipeline.store.sqlite_landing"] in _cycles(graph)

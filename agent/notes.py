"""What the agent says besides the checks: a language the model does not know, a kind of
part it does not seem to know how to make."""

from __future__ import annotations

from agent.backends.base import Backend
from agent.candidate import Candidate
from agent.intent import Expectations

LARGER_MODEL = ("--backend openai --endpoint URL --model NAME (a larger model, see the "
                "README's 'Plug in your own model')")


def language_refusal(expect: Expectations, backend: Backend) -> str | None:
    """An honest answer instead of a random part: a language the model was not trained on."""
    languages = getattr(backend, "languages", None)
    if not languages or expect.language in languages:
        return None
    return (f"this request looks like {expect.language}; the model only knows "
            f"{' and '.join(languages)} descriptions, so it would make a random part. Write it "
            f"in {languages[0]}, or use a model that knows {expect.language}: {LARGER_MODEL}")


def kind_note(expect: Expectations, best: Candidate | None) -> str | None:
    """When no candidate made the kind of part asked for, say the model does not know it."""
    if best is None or best.passed or best.spec_result is None:
        return None
    if "kind" not in best.spec_result.failed_keys():
        return None
    asked = (expect.spec.get("kind") or {}).get("asked", "this kind of part")
    return (f"the model does not seem to know how to make a {asked} (every candidate made "
            f"something else); try a larger model: {LARGER_MODEL}")


def standing_note(standing: dict, best: Candidate | None) -> str | None:
    """Why a follow-up failed checks it did not mention: the earlier request still stands
    (agent.intent.carry), and the part before missed it too."""
    if best is None or best.spec_result is None or not standing:
        return None
    missed = [k for k in best.spec_result.failed_keys() if k in standing]
    if not missed:
        return None
    return (f"the earlier request still stands and this part misses it, as the part before "
            f"did: {', '.join(missed)}")


def joined(*notes: str | None) -> str | None:
    """The notes of one turn as one line (None when there are none)."""
    said = [n for n in notes if n]
    if len(said) < 2:
        return said[0] if said else None
    return "; ".join(n.rstrip(".") for n in said) + "."

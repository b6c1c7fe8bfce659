"""Summarizes `vae4j bench-conditional` reports of several seeds as a Markdown table: per class, mean ± sd.

usage: python3 conditional_table.py REPORT_DIR...   (each holding the report.json that bench-conditional writes)
"""
import json
import pathlib
import statistics
import sys


def mean_sd(values):
    if len(values) == 1:
        return f"{100 * values[0]:.1f}%"
    return f"{100 * statistics.mean(values):.1f} ± {100 * statistics.stdev(values):.1f}%"


def main(dirs):
    reports = [json.loads((pathlib.Path(d) / "report.json").read_text()) for d in dirs]
    classes = len(reports[0]["perClassAccuracy"])
    n = reports[0]["samplesPerClass"]
    print(f"| class | samples per seed | labelled as the class ({len(reports)} seeds) |")
    print("|---|---|---|")
    for c in range(classes):
        print(f"| {c} | {n} | {mean_sd([r['perClassAccuracy'][c] for r in reports])} |")
    print(f"| all | {n * classes} | {mean_sd([r['meanAccuracy'] for r in reports])} |")
    print()
    print("Classifier accuracy on the test split: "
          + ", ".join(f"{100 * r['classifierTestAccuracy']:.2f}%" for r in reports) + ".")


if __name__ == "__main__":
    main(sys.argv[1:])

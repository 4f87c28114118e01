"""`svixsync update`: bring the dataset and state/ to a revision, all or nothing."""

from __future__ import annotations

from pathlib import Path

from svixsync import report as render
from svixsync import state, terminal, transaction, view
from svixsync.evaluate import evaluate
from svixsync.project import Project
from svixsync.state import Lock
from svixsync.sync import Report


def run(project: Project, rev: str | None, dry_run: bool, force: bool, dataset: str | None, diff: bool = False) -> int:
    with project.writing():
        config = project.config()
        entries = config.chosen(dataset)
        files: dict[Path, bytes] = {}
        reports = []
        datasets = list(config.datasets)
        for entry in entries:
            evaluation = evaluate(project, entry, rev, force=force, need_upstream=True)
            report = evaluation.report
            reports.append(report)
            assert report.target is not None
            lines = [
                example.example.with_code(example.code).raw if example.code is not None else example.example.raw
                for example in report.examples
            ]
            lock = Lock(
                dataset=entry.file,
                pinned=report.target,
                examples=[
                    example.lock.model_copy(update={"line": index})
                    for index, example in enumerate(report.examples, start=1)
                ],
                uncovered=report.uncovered,
                selection=state.selection_digest(entry, evaluation.tracked),
            )
            files[project.root / entry.file] = "".join(lines).encode("utf-8")
            files[project.state / entry.lock_file] = state.dump(lock)
            if evaluation.tracked != entry.tracked:
                datasets[datasets.index(entry)] = entry.model_copy(update={"tracked": evaluation.tracked})
        new_config = config.model_copy(update={"datasets": datasets})
        files[project.state / state.CONFIG_FILE] = state.dump(new_config)
        if not dry_run:
            transaction.commit(project.root, project.state, files)
    # Said once the write committed: what is said to be done is done.
    said: list[terminal.Line] = []
    for report in reports:
        said += [(line, None) for line in render.as_text(report).split("\n")]
        said += done(report, dry_run)
        if diff:
            said += view.diff_lines(view.code_field_diffs(report))
    terminal.echo(said)
    pending = any(example.lock.review is not None for report in reports for example in report.examples)
    if dry_run:
        return 0 if all(report.in_sync for report in reports) else 1
    return 1 if pending else 0


def done(report: Report, dry_run: bool) -> list[terminal.Line]:
    """What an update did (or would do) to each example: code rewritten, flag recorded."""
    out: list[terminal.Line] = []
    for example in report.examples:
        review = example.lock.review if example.flagged_now else None
        deeds = ["rewrite its code"] if example.code is not None else []
        deeds += [f"flag it ({review.reason})"] if review is not None else []
        if deeds:
            verbs = " and ".join(deeds)
            said = f"would {verbs}" if dry_run else verbs.replace("rewrite", "rewrote").replace("flag it", "flagged it")
            out.append((f"line {example.example.number}: {said}", "alert" if review else None))
    if any(example.flagged_now for example in report.examples):
        out.append((f"next: {render.REVIEW_HINT}", "note"))
    return out

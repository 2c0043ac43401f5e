"""``totkit``: the command line, calling the same core as the apps.

Messages come from the catalogue in ``TOTKIT_LANG`` (``id`` by default, or ``en``).
Heavy modules are imported inside the commands, so ``totkit --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from totkit._version import __version__
from totkit.errors import InputError, TotkitError
from totkit.i18n import cli_language, format_date, t

EXPORT_FORMATS = ("xlsx", "docx", "html", "ics", "json")  # totkit.exports.FORMATS, kept light


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("totkit").strip() or ""
        problem = t("error.cli_usage", cli_language(), problem=message, command=command)
        self.exit(2, t("cli.error", cli_language(), message=problem) + "\n")


# -- argument types: each names the argument and the fix --------------------------------------


def port_number(value: str) -> int:
    if value.isdigit() and 1 <= int(value) <= 65535:
        return int(value)
    raise argparse.ArgumentTypeError(InputError("error.port", field="port").message(cli_language()))


def database_url(value: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(value)
    except ArgumentError:
        error = InputError("error.db_url", field="db", value=value)
        raise argparse.ArgumentTypeError(error.message(cli_language())) from None
    return value


def templates_folder(value: str) -> Path:
    path = Path(value).expanduser()
    if not (path / "settings.yaml").is_file():
        error = InputError("error.templates_dir", field="templates", value=value)
        raise argparse.ArgumentTypeError(error.message(cli_language()))
    return path


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        error = InputError("error.date", field="as_of", value=value)
        raise argparse.ArgumentTypeError(error.message(cli_language())) from None


# -- the parser ------------------------------------------------------------------------------------


def build_parser() -> Parser:
    lang = cli_language()
    parser = Parser(prog="totkit", description=t("cli.description", lang))
    parser.add_argument(
        "--version", action="version", version=f"totkit {__version__}", help=t("cli.version", lang)
    )
    commands = parser.add_subparsers(dest="command", parser_class=Parser)

    serve = commands.add_parser("serve", help=t("cli.serve", lang))
    serve.add_argument("--port", type=port_number, default=8866, help=t("cli.serve_port", lang))
    serve.add_argument("--lan", action="store_true", help=t("cli.serve_lan", lang))
    serve.add_argument("--token", help=t("cli.serve_token", lang))
    serve.add_argument("--db", type=database_url, help=t("cli.serve_db", lang))
    serve.add_argument("--templates", type=templates_folder, help=t("cli.serve_templates", lang))
    serve.add_argument("--no-browser", action="store_true", help=t("cli.serve_no_browser", lang))
    serve.add_argument(
        "--preheat", type=int, default=0, metavar="N", help=t("cli.serve_preheat", lang)
    )
    serve.add_argument("--hub", action="store_true", help=t("cli.serve_hub_option", lang))

    workshop = commands.add_parser("workshop", help=t("cli.workshop", lang))
    workshop_commands = workshop.add_subparsers(dest="workshop_command", parser_class=Parser)
    create = workshop_commands.add_parser("create", help=t("cli.workshop_create", lang))
    create.add_argument("title", help=t("cli.workshop_title", lang))
    create.add_argument("--start", type=iso_date, help=t("cli.workshop_start", lang))
    create.add_argument("--end", type=iso_date, help=t("cli.workshop_end", lang))
    create.add_argument("--tz", default="WIB", help=t("cli.workshop_tz", lang))
    listing = workshop_commands.add_parser("list", help=t("cli.workshop_list", lang))
    reset = workshop_commands.add_parser("reset-key", help=t("cli.workshop_reset_key", lang))
    reset.add_argument("code", help=t("field.workshop_code", lang))
    remove = workshop_commands.add_parser("delete", help=t("cli.workshop_delete", lang))
    remove.add_argument("code", help=t("field.workshop_code", lang))
    remove.add_argument("--key", required=True, help=t("field.facilitator_key", lang))
    purge = workshop_commands.add_parser("purge", help=t("cli.workshop_purge", lang))
    purge.add_argument("--older-than", type=int, required=True, metavar="DAYS",
                       help=t("field.older_than", lang))
    for sub in (create, listing, reset, remove, purge):
        sub.add_argument("--db", type=database_url, help=t("cli.db", lang))

    demo = commands.add_parser("demo", help=t("cli.demo", lang))
    demo.add_argument("--as-of", type=iso_date, help=t("cli.demo_as_of", lang))
    demo.add_argument("--seed", type=int, default=27, help=t("cli.demo_seed", lang))
    demo.add_argument("--db", type=database_url, help=t("cli.db", lang))

    commands.add_parser("schema", help=t("cli.schema", lang))

    cascade = commands.add_parser("cascade", help=t("cli.cascade", lang))
    target = cascade.add_mutually_exclusive_group(required=True)
    target.add_argument("workbook", nargs="?", metavar="FILE|ID", help=t("cli.plan_workbook", lang))
    target.add_argument("--workshop", metavar="CODE", help=t("cli.cascade_workshop", lang))
    cascade.add_argument("--json", action="store_true", help=t("cli.diagnose_json", lang))
    cascade.add_argument("--draws", type=int, default=10_000, help=t("cli.cascade_draws", lang))
    cascade.add_argument("--seed", type=int, default=0, help=t("cli.demo_seed", lang))
    cascade.add_argument("--levels", type=int, help=t("cli.cascade_levels", lang))
    cascade.add_argument("--db", type=database_url, help=t("cli.db", lang))

    export = commands.add_parser("export", help=t("cli.export", lang))
    export.add_argument("workbook", metavar="ID|FILE", help=t("cli.plan_workbook", lang))
    export.add_argument("--format", required=True, choices=EXPORT_FORMATS,
                        help=t("cli.export_format", lang))
    export.add_argument("-o", "--output", type=Path, required=True,
                        help=t("cli.export_output", lang))
    export.add_argument("--lang", choices=("id", "en"), help=t("cli.export_lang", lang))
    export.add_argument("--db", type=database_url, help=t("cli.db", lang))

    cohort = commands.add_parser("cohort", help=t("cli.cohort", lang))
    cohort.add_argument("workshop", metavar="WORKSHOP", help=t("field.workshop_code", lang))
    cohort.add_argument("--key", required=True, help=t("field.facilitator_key", lang))
    cohort.add_argument("--format", required=True, choices=("xlsx", "html"),
                        help=t("cli.export_format", lang))
    cohort.add_argument("-o", "--output", type=Path, required=True,
                        help=t("cli.export_output", lang))
    cohort.add_argument("--as-of", type=iso_date, help=t("cli.cohort_as_of", lang))
    cohort.add_argument("--db", type=database_url, help=t("cli.db", lang))

    importing = commands.add_parser("import", help=t("cli.import", lang))
    importing.add_argument("file", type=Path, help=t("cli.import_file", lang))
    importing.add_argument("--into", metavar="WORKSHOP", required=True,
                           help=t("cli.import_into", lang))
    importing.add_argument("--db", type=database_url, help=t("cli.db", lang))

    plan = commands.add_parser("plan", help=t("cli.plan", lang))
    plan_commands = plan.add_subparsers(dest="plan_command", parser_class=Parser)
    check = plan_commands.add_parser("check", help=t("cli.plan_check", lang))
    check.add_argument("workbook", metavar="FILE|ID", help=t("cli.plan_workbook", lang))
    check.add_argument("--json", action="store_true", help=t("cli.diagnose_json", lang))
    check.add_argument("--db", type=database_url, help=t("cli.db", lang))

    instrument = commands.add_parser("instrument", help=t("cli.instrument", lang))
    instrument_commands = instrument.add_subparsers(dest="instrument_command", parser_class=Parser)
    validate = instrument_commands.add_parser("validate", help=t("cli.instrument_validate", lang))
    validate.add_argument("file", type=Path, help=t("cli.instrument_file", lang))
    xlsform = instrument_commands.add_parser("xlsform", help=t("cli.instrument_xlsform", lang))
    xlsform.add_argument("file", type=Path, nargs="?", help=t("cli.instrument_file", lang))
    xlsform.add_argument("-o", "--output", type=Path, required=True,
                         help=t("cli.xlsform_output", lang))

    diagnose = commands.add_parser("diagnose", help=t("cli.diagnose", lang))
    diagnose.add_argument("file", type=Path, help=t("cli.diagnose_file", lang))
    diagnose.add_argument("--instrument", type=Path, help=t("cli.instrument_file", lang))
    diagnose.add_argument("--map", type=Path, help=t("cli.diagnose_map", lang))
    diagnose.add_argument("--json", action="store_true", help=t("cli.diagnose_json", lang))
    diagnose.add_argument("--into", metavar="WORKSHOP", help=t("cli.diagnose_into", lang))
    diagnose.add_argument("--db", type=database_url, help=t("cli.db", lang))

    templates = commands.add_parser("templates", help=t("cli.templates", lang))
    templates_commands = templates.add_subparsers(dest="templates_command", parser_class=Parser)
    copy = templates_commands.add_parser("copy", help=t("cli.templates_copy", lang))
    copy.add_argument("directory", type=Path, help=t("cli.templates_dir", lang))

    backup = commands.add_parser("backup", help=t("cli.backup", lang))
    backup.add_argument("path", type=Path, metavar="BACKUP", help=t("cli.backup_path", lang))
    backup.add_argument("--db", type=database_url, help=t("cli.db", lang))
    backup.add_argument("--force", action="store_true", help=t("cli.backup_force", lang))
    restore = commands.add_parser("restore", help=t("cli.restore", lang))
    restore.add_argument("path", type=Path, metavar="BACKUP", help=t("cli.restore_path", lang))
    restore.add_argument("--db", type=database_url, help=t("cli.db", lang))

    store = commands.add_parser("store", help=t("cli.store", lang))
    store_commands = store.add_subparsers(dest="store_command", parser_class=Parser)
    store_copy = store_commands.add_parser("copy", help=t("cli.store_copy", lang))
    store_copy.add_argument("--from", dest="source", metavar="URL", type=database_url,
                            required=True, help=t("cli.store_from", lang))
    store_copy.add_argument("--to", dest="target", metavar="URL", type=database_url,
                            required=True, help=t("cli.store_to", lang))
    return parser


# -- the commands ------------------------------------------------------------------------------


def run_serve(args: argparse.Namespace, lang: str) -> None:
    from totkit.serve import ServeOptions, serve

    options = ServeOptions(
        port=args.port,
        lan=args.lan,
        token=args.token,
        db=args.db,
        templates=args.templates,
        open_browser=not args.no_browser,
        preheat=args.preheat,
        hub=args.hub,
    )
    serve(options, lang)


def run_workshop(args: argparse.Namespace, lang: str) -> None:
    from totkit.store import open_store

    store = open_store(args.db)
    if args.workshop_command == "create":
        created = store.create_workshop(
            args.title, start_date=args.start, end_date=args.end, timezone_name=args.tz
        )
        print(t("cli.workshop_created", lang, title=created.title))
        print(t("cli.workshop_code_line", lang, code=created.code))
        print(t("cli.workshop_key_line", lang, key=created.key))
        print(t("cli.workshop_keep", lang))
        return
    if args.workshop_command == "delete":
        workshop = store.workshop(store.check_facilitator_key(args.code, args.key))
        store.delete_workshop(args.code)
        print(t("cli.workshop_deleted", lang, title=workshop.title))
        return
    if args.workshop_command == "purge":
        titles = store.purge_workshops(args.older_than)
        for title in titles:
            print(t("cli.workshop_deleted", lang, title=title))
        if not titles:
            print(t("cli.workshop_purged_none", lang))
        return
    if args.workshop_command == "reset-key":
        key = store.reset_facilitator_key(args.code)
        print(t("cli.workshop_key_line", lang, key=key))
        print(t("cli.workshop_key_reset", lang))
        return
    found = store.list_workshops()
    if not found:
        print(t("cli.workshop_none", lang))
    for info in found:
        dates = (
            f"{format_date(info.start_date, lang, 'medium')} - "
            f"{format_date(info.end_date, lang, 'medium')}"
            if info.start_date and info.end_date
            else t("cli.no_dates", lang)
        )
        print(
            t(
                "cli.workshop_row",
                lang,
                id=info.id,
                title=info.title,
                dates=dates,
                timezone=info.timezone,
                workbooks=info.workbooks,
            )
        )


def run_demo(args: argparse.Namespace, lang: str) -> None:
    from totkit.demo import create_demo
    from totkit.store import open_store

    demo = create_demo(open_store(args.db), as_of=args.as_of, seed=args.seed)
    print(
        t(
            "cli.demo_created",
            lang,
            title=demo.title,
            start=format_date(demo.start_date, lang),
            end=format_date(demo.end_date, lang),
        )
    )
    print(t("cli.workshop_code_line", lang, code=demo.workshop_code))
    print(t("cli.workshop_key_line", lang, key=demo.facilitator_key))
    for name, code in demo.planners:
        print(t("cli.demo_planner", lang, name=name, code=code))
    print(t("cli.demo_cohort", lang, count=demo.cohort))


def run_schema(_args: argparse.Namespace, _lang: str) -> None:
    from totkit.model import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))


def _instrument(path: Path | None):  # type: ignore[no-untyped-def]
    from totkit.instrument import instrument_path, load_instrument

    return load_instrument(path or instrument_path("readiness"))


def run_instrument(args: argparse.Namespace, lang: str) -> None:
    instrument = _instrument(args.file)
    if args.instrument_command == "validate":
        items = sum(len(dim.items) for dim in instrument.dimensions)
        print(t("cli.instrument_valid", lang, file=str(args.file), id=instrument.id,
                version=instrument.version, dimensions=len(instrument.dimensions), items=items))
        return
    from totkit.xlsform import write_xlsform

    written = write_xlsform(instrument, args.output)
    print(t("cli.xlsform_written", lang, path=str(written)))


def run_diagnose(args: argparse.Namespace, lang: str) -> None:
    from totkit.cohort import add_to_workshop, diagnose, report_json
    from totkit.survey import import_responses

    instrument = _instrument(args.instrument)
    imported = import_responses(args.file, instrument, args.map)
    for message in imported.messages(lang):
        print(message, file=sys.stderr)
    report = diagnose(instrument, imported)
    if args.json:
        print(json.dumps(report_json(instrument, imported, report, lang), indent=2,
                         ensure_ascii=False))
    else:
        _print_report(instrument, report, lang)
    if args.into is not None:  # "--into ''" is a (wrong) code, not no code
        from totkit.store import open_store

        added = add_to_workshop(open_store(args.db), args.into, instrument, imported,
                                t("cli.diagnose_unnamed", lang))
        stream = sys.stderr if args.json else sys.stdout
        print(t("cli.diagnose_added", lang, count=len(added)), file=stream)
        for name, joined in added:
            print(t("cli.demo_planner", lang, name=name, code=joined.resume_code), file=stream)


def _print_report(instrument, report, lang: str) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    names = {dim.id: dim.name(lang) for dim in instrument.dimensions}
    bands = {band.id: band.name(lang) for band in instrument.bands}
    people = report.respondents
    table = pd.DataFrame({
        t("field.name", lang): people["name"],
        t("cli.column_index", lang): people["index"],
        t("cli.column_band", lang): people["band"].map(bands),
        t("cli.column_weakest", lang): people["weakest"].map(
            lambda ids: ", ".join(names[d] for d in str(ids).split(";") if d in names)),
    })
    print(t("cli.diagnose_respondents", lang, count=len(people)))
    print(table.to_string(index=False, na_rep="-"))
    summary = report.summary.rename(index=names)
    print()
    print(t("cli.diagnose_cohort", lang))
    print(summary.to_string(na_rep="-", float_format=lambda v: f"{v:.2f}"))
    for by, frame in report.groups.items():
        print()
        hidden = frame.attrs.get("hidden_groups", 0)
        print(t(f"cli.diagnose_by_{by}", lang, hidden=hidden))
        if not frame.empty:
            means = frame[["n", *[c for c in frame.columns if c.endswith("_mean")]]]
            means = means.rename(columns=lambda c: names.get(c.removesuffix("_mean"), c))
            print(means.to_string(na_rep="-", float_format=lambda v: f"{v:.1f}"))


def run_plan(args: argparse.Namespace, lang: str) -> None:
    from totkit.plancheck import check_file, check_workbook, report, status, status_message

    if _is(args.workbook, "is_file"):
        findings = check_file(args.workbook)
    else:
        from totkit.store import open_store

        findings = check_workbook(open_store(args.db), args.workbook)
    if args.json:
        print(json.dumps(report(findings), indent=2, ensure_ascii=False))
    else:
        print(status_message(findings, lang))
        for finding in findings:
            severity = t(f"plan.check.severity.{finding.severity}", lang)
            print(f"- [{finding.rule}] {severity}: {finding.message(lang)}")
    if status(findings) != "ready":
        raise SystemExit(1)


def run_cascade(args: argparse.Namespace, lang: str) -> None:
    from totkit import cascade
    from totkit.store import open_store

    if args.workshop is not None:  # "--workshop ''" is a (wrong) code too
        workbooks = cascade.cohort_workbooks(open_store(args.db), args.workshop)
        instrument = cascade.instrument_for(workbooks[0] if workbooks else None)
        inputs = cascade.inputs_for_cohort(workbooks, instrument, levels=args.levels)
    else:
        workbook = _workbook(args.workbook, args.db)
        inputs = cascade.inputs_for_workbook(workbook, cascade.instrument_for(workbook),
                                             levels=args.levels)
    projection = cascade.project(inputs, args.draws, args.seed)
    if args.json:
        print(json.dumps(projection.to_dict(lang), indent=2, ensure_ascii=False))
        return
    print(projection.summary(lang))
    header = [t(f"cli.cascade_{column}", lang) for column in
              ("level", "on_paper", "expected", "mean", "p10", "p90")]
    print("  ".join(f"{name:>12}" for name in header))
    for row in cascade.projection_table(projection):
        print("  ".join(f"{row[key]:>12,.0f}" if key != "level" else f"{row[key]:>12}"
                        for key in ("level", "on_paper", "expected", "mean", "p10", "p90")))


def _is(path: Path | str, test: str) -> bool:
    """``Path(path).is_file()``, ``is_dir()`` or ``exists()``; False for a name the system
    cannot look up (too long, or with a NUL), which the command then refuses by itself."""
    try:
        return getattr(Path(path), test)()
    except (OSError, ValueError):
        return False


def _workbook(reference: str, db: str | None):  # type: ignore[no-untyped-def]
    """A workbook from a JSON file, or from the store by its id."""
    if _is(reference, "is_file"):
        from totkit.transfer import read_workbook

        return read_workbook(reference)
    from totkit.store import open_store

    return open_store(db).load_workbook(reference)


def run_export(args: argparse.Namespace, lang: str) -> None:
    from totkit.exports import write_export

    workbook = _workbook(args.workbook, args.db)
    workshop = None
    projection = None
    if not _is(args.workbook, "is_file"):
        from totkit.store import open_store

        workshop = open_store(args.db).workshop_of(workbook.id)
    if args.format in ("xlsx", "html"):
        from totkit.cascade import inputs_for_workbook, instrument_for, project

        projection = project(inputs_for_workbook(workbook, instrument_for(workbook)), 10_000, 0)
    output: Path = args.output
    folder, name = (output, None) if _is(output, "is_dir") else (output.parent, output.name)
    written = write_export(workbook, args.format, folder, name, workshop=workshop,
                           lang=args.lang or workbook.profile.language, projection=projection)
    print(t("cli.export_written", lang, path=str(written)))


def run_cohort(args: argparse.Namespace, lang: str) -> None:
    from totkit.cohort_report import default_cohort_filename, write_cohort
    from totkit.dashboard import open_dashboard
    from totkit.store import open_store

    dashboard = open_dashboard(open_store(args.db), args.workshop, args.key, as_of=args.as_of)
    output: Path = args.output
    if _is(output, "is_dir"):
        output = output / default_cohort_filename(dashboard, args.format)

    def progress(share: float, _what: str) -> None:
        print(f"\r{'#' * round(share * 30):<30} {share:4.0%}", end="", file=sys.stderr)

    written = write_cohort(dashboard, args.format, output, lang, progress=progress)
    print(file=sys.stderr)
    print(t("cli.export_written", lang, path=str(written)))


def run_import(args: argparse.Namespace, lang: str) -> None:
    from totkit.store import open_store
    from totkit.transfer import import_workbook, read_workbook

    report = import_workbook(open_store(args.db), read_workbook(args.file), args.into)
    print(t("cli.import_done", lang, name=report.name, id=report.workbook_id))
    for key, sections in (("cli.import_added", report.added),
                          ("cli.import_unchanged", report.unchanged),
                          ("cli.import_conflicts", report.conflicts)):
        if sections:
            names = ", ".join(t(f"section.{section}", lang) for section in sections)
            print(t(key, lang, sections=names))
    if report.resume_code:
        print(t("cli.import_resume", lang, code=report.resume_code))
    if report.conflicts:
        raise SystemExit(1)


def run_templates(args: argparse.Namespace, lang: str) -> None:
    from totkit.paths import default_templates_dir

    target: Path = args.directory
    if _is(target, "exists") and (not target.is_dir() or any(target.iterdir())):  # a file too
        raise InputError("error.directory_not_empty", field="directory", value=str(target))
    try:
        shutil.copytree(default_templates_dir(), target, dirs_exist_ok=True)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise InputError("error.directory_unwritable", field="directory", value=str(target),
                         problem=getattr(exc, "strerror", None) or str(exc)) from None
    print(t("cli.templates_copied", lang, path=str(target)))


def run_backup(args: argparse.Namespace, lang: str) -> None:
    from totkit.backup import backup, database_file

    written = backup(args.db, args.path, force=args.force)
    print(t("cli.backup_done", lang, database=str(database_file(args.db)), path=str(written)))


def run_restore(args: argparse.Namespace, lang: str) -> None:
    from totkit.backup import restore

    restored = restore(args.path, args.db)
    print(t("cli.restore_done", lang, database=str(restored.database),
            path=str(restored.backup)))
    if restored.kept:
        print(t("cli.restore_kept", lang, kept=str(restored.kept[0])))


def run_store(args: argparse.Namespace, lang: str) -> None:
    from totkit.access import SECRET_FILE
    from totkit.paths import data_dir
    from totkit.store.copy import copy_store

    report = copy_store(args.source, args.target)
    if report.total:
        print(t("cli.store_copied", lang, source=report.source, target=report.target,
                **report.copied))
    else:
        print(t("cli.store_copy_nothing", lang, source=report.source, target=report.target))
    if report.differing:
        listed = ", ".join(f"{wid} {section} {version}"
                           for wid, section, version in report.differing[:10])
        print(t("cli.store_copy_differing", lang, count=len(report.differing),
                target=report.target, revisions=listed), file=sys.stderr)
    print(t("cli.store_copy_secret", lang, secret=str(data_dir() / SECRET_FILE),
            target=report.target))


COMMANDS = {
    "serve": run_serve,
    "workshop": run_workshop,
    "demo": run_demo,
    "schema": run_schema,
    "templates": run_templates,
    "instrument": run_instrument,
    "diagnose": run_diagnose,
    "plan": run_plan,
    "import": run_import,
    "cascade": run_cascade,
    "export": run_export,
    "cohort": run_cohort,
    "backup": run_backup,
    "restore": run_restore,
    "store": run_store,
}


def main(argv: Sequence[str] | None = None) -> int:
    lang = cli_language()
    parser = build_parser()
    args = parser.parse_args(argv)
    subcommand = getattr(args, f"{args.command}_command", "") if args.command else None
    if args.command is None or subcommand is None:
        print(t("cli.missing_command", lang), file=sys.stderr)
        return 2
    try:
        COMMANDS[args.command](args, lang)
    except TotkitError as error:
        print(t("cli.error", lang, message=error.message(lang)), file=sys.stderr)
        return 2 if isinstance(error, InputError) else 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Time to build an invoice PDF (and a complete child sheet) once the process has made its first PDF, with the
embedded Unicode font (views/pdf/fonts.py). CPU time is reported besides wall time: it moves less when other
processes share the machine.

    python -m tests.perf.bench_pdf              # 100 invoices and 100 complete sheets
    python -m tests.perf.bench_pdf --runs 300"""
from __future__ import annotations

import argparse
import statistics
import time

from storage.demo import demo_families
from storage.ledger import invoice_line
from views.pdf import child_sheet_pdf, invoice_pdf

COMMUNE = {"name": "Ville de Démo", "service": "Service Enfance", "address1": "1 place de la Mairie",
           "postcode": "77000", "city": "Démoville", "phone": "01 23 45 67 89", "email": "enfance@ville-demo.fr"}


def sample_invoice() -> dict:
    lines = [invoice_line("Łukasz", "Restauration scolaire", 15, 300, "15 jours"),
             invoice_line("Łukasz", "Accueil du soir", 17, 210, "17 jours"),
             invoice_line("Nguyễn", "Restauration scolaire", 17, 300, "17 jours")]
    total = sum(line["amount_cents"] for line in lines)
    return {"number": "F2026-000007", "period": "2026-11", "issued_on": "2026-12-01", "due_on": "2026-12-25",
            "lines": lines, "total_cents": total, "previous_balance_cents": 4_050, "amount_due_cents": total + 4_050,
            "billed_to": {"family_id": "770400070", "name": "Mme Çağlar ØRSTED",
                          "address": ["12 rue des Écoles", "77000 Démoville"]}}


def timed(build, runs: int) -> dict:
    cpu, wall = [], []
    for _ in range(runs):
        started_cpu, started = time.process_time(), time.perf_counter()
        build()
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    return {"cpu_ms_p50": statistics.median(cpu) * 1000, "wall_ms_p50": statistics.median(wall) * 1000,
            "wall_ms_min": min(wall) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=100)
    runs = parser.parse_args().runs
    record = dict(demo_families()["770400070"], family_id="770400070")
    invoice = sample_invoice()
    started = time.perf_counter()
    invoice_pdf(COMMUNE, record, invoice)
    print(f"first PDF of the process (font read, reduced and parsed): {(time.perf_counter() - started) * 1000:.0f} ms")
    for name, build in (("invoice", lambda: invoice_pdf(COMMUNE, record, invoice)),
                        ("complete child sheet", lambda: child_sheet_pdf(COMMUNE, record, record["children"][0], True))):
        figures = timed(build, runs)
        print(f"{name}: CPU p50 {figures['cpu_ms_p50']:.1f} ms, wall p50 {figures['wall_ms_p50']:.1f} ms, "
              f"wall min {figures['wall_ms_min']:.1f} ms ({runs} runs)")


if __name__ == "__main__":
    main()

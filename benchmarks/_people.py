"""Person records and their truth from a `jigsaw synth` folder, straight into Arrow.

Benchmarks of the identity engine measure linkage, not import, so they read the synthetic
feeds directly; NHS numbers that fail their check are blanked as the importer sets them aside.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from jigsaw.feeds import is_valid_nhs_number

_RAW = ("source_system", "source_id", "given_name", "family_name", "other_names", "birth_date", "sex",
        "nhs_number", "upn", "postcode", "address")


def read_people(folder: Path) -> tuple[pa.Table, np.ndarray]:
    """(raw person records with ``unique_id``, true person label of each record)."""
    tables = []
    for path in sorted(folder.glob("*/people.csv")):
        if path.parent.name == "truth":
            continue
        options = pacsv.ConvertOptions(column_types=dict.fromkeys(_RAW, pa.string()),
                                       include_columns=list(_RAW))
        tables.append(pacsv.read_csv(path, convert_options=options))
    people = pa.concat_tables(tables)
    nhs = people.column("nhs_number").combine_chunks()
    distinct = pc.unique(nhs).drop_null()
    valid = pa.array([v if is_valid_nhs_number(v) else None for v in distinct.to_pylist()], pa.string())
    people = people.set_column(people.column_names.index("nhs_number"), "nhs_number",
                               valid.take(pc.index_in(nhs, value_set=distinct)))
    people = people.append_column("unique_id", pa.array(np.arange(people.num_rows), pa.int64()))
    truth = pacsv.read_csv(folder / "truth" / "people.csv")
    key = pc.binary_join_element_wise(people.column("source_system"), people.column("source_id"), "\x1f")
    truth_key = pc.binary_join_element_wise(truth.column("source_system"), truth.column("source_id"), "\x1f")
    person = truth.column("true_person_id").take(pc.index_in(key, value_set=truth_key))
    labels = pc.index_in(person, value_set=pc.unique(person)).to_numpy()
    return people, labels

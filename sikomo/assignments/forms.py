from flask_wtf import FlaskForm
from wtforms import HiddenField


class AssignForm(FlaskForm):
    """`pengawas`: a pengawas's id, or empty for nobody (the Dinas's select, or the pengawas's
    own "Ambil" / "Lepaskan" button, which sends the pengawas's id or nothing)."""

    pengawas = HiddenField()

    def pengawas_id(self) -> int | None:
        """The chosen id, None for nobody; ValueError for anything else."""
        text = (self.pengawas.data or "").strip()
        if not text:
            return None
        if not text.isdigit() or len(text) > 9:
            raise ValueError(text)
        return int(text)

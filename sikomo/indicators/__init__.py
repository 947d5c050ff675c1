from flask import Blueprint

bp = Blueprint("indicators", __name__, url_prefix="/indikator")

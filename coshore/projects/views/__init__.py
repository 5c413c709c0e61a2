"""HTML pages of projects, one module per part of the project page; thin: parse, call the
selectors and services, shape. A DomainError becomes a form error, a flash message or an error
page with its 4xx status, never a 500."""

from .agreement import accept, agreement, propose
from .lists import accept_invitation, decline_invitation, gallery, my_projects
from .money import close, gallery_consent, money, record_payment, statement, statement_csv
from .team import edit_project, invite, project_detail, withdraw
from .work import add_task, approve_time, board, decline_time, move_task, thread, time

__all__ = [
    "accept",
    "accept_invitation",
    "add_task",
    "agreement",
    "approve_time",
    "board",
    "close",
    "decline_invitation",
    "decline_time",
    "edit_project",
    "gallery",
    "gallery_consent",
    "invite",
    "money",
    "move_task",
    "my_projects",
    "project_detail",
    "propose",
    "record_payment",
    "statement",
    "statement_csv",
    "thread",
    "time",
    "withdraw",
]

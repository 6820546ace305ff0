"""`--models`: the user's own module replaces automapped classes; automap names things readably."""

from __future__ import annotations

import textwrap

import pytest

from engine_helpers import run_cell
from sqla_explore.queries.explorer import Explorer
from sqla_explore.queries.mapping import ModelsError
from sqla_explore.queries.naming import class_name_for_table, singular

MODELS = textwrap.dedent(
    '''
    from sqlalchemy import ForeignKey, String, select
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


    class Base(DeclarativeBase):
        pass


    class Account(Base):
        __tablename__ = "users"
        id: Mapped[int] = mapped_column(primary_key=True)
        email: Mapped[str] = mapped_column(String(255))
        articles: Mapped[list["Article"]] = relationship(back_populates="author")

        def __repr__(self):
            return f"<Account {self.id}>"


    class Article(Base):
        __tablename__ = "posts"
        id: Mapped[int] = mapped_column(primary_key=True)
        user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
        title: Mapped[str]
        author: Mapped[Account] = relationship(back_populates="articles")


    def active_accounts():
        return select(Account).where(Account.id < 3)

    LIMIT = 2
    '''
)


@pytest.fixture
def models_file(tmp_path):
    path = tmp_path / "my_models.py"
    path.write_text(MODELS)
    return path


async def test_user_models_replace_automapped_classes(sample_url, models_file):
    explorer = await Explorer.open(sample_url, models=str(models_file))
    try:
        names = explorer.namespace
        assert "Account" in names and "Article" in names and "active_accounts" in names
        assert "User" not in names and "Post" not in names  # replaced: same tables
        assert "Comment" in names  # still automapped
        report = await explorer.run("active_accounts().order_by(Account.id)")
        assert report.ok, report.error
        assert [repr(a) for a in report.scalars] == ["<Account 1>", "<Account 2>"]
        report = await explorer.run("select(Article).join(Article.author).where(Account.id == 1).limit(LIMIT)")
        assert report.ok and len(report.rows) == 2
    finally:
        await explorer.close()


async def test_models_by_dotted_name(sqlite_sample, models_file, monkeypatch):
    monkeypatch.syspath_prepend(str(models_file.parent))
    report = await run_cell(str(sqlite_sample), "select(Account).limit(1)", models="my_models")
    assert report.ok and report.keys == ["Account"]


async def test_broken_models_are_a_clear_error(sqlite_sample, tmp_path):
    bad = tmp_path / "bad_models.py"
    bad.write_text("import nonexistent_package_xyz\n")
    with pytest.raises(ModelsError, match="nonexistent_package_xyz"):
        await Explorer.open(str(sqlite_sample), models=str(bad))
    with pytest.raises(ModelsError, match="no such models file"):
        await Explorer.open(str(sqlite_sample), models=str(tmp_path / "missing.py"))


@pytest.mark.parametrize(
    ("table", "cls"),
    [("users", "User"), ("user_account", "UserAccount"), ("categories", "Category"), ("addresses", "Address"),
     ("statuses", "Status"), ("people", "Person"), ("boxes", "Box"), ("data", "Data"), ("blog_posts", "BlogPost")],
)
def test_class_names(table, cls):
    assert class_name_for_table(table) == cls


def test_singular_keeps_words_ending_in_ss():
    assert singular("class") == "class" and singular("glass") == "glass"


async def test_two_keys_to_one_table_get_distinct_names(tmp_path):
    import sqlite3

    path = tmp_path / "msgs.db"
    con = sqlite3.connect(path)
    con.executescript(
        """
        create table users (id integer primary key, name text);
        create table messages (id integer primary key, author_id integer references users(id),
                               recipient_id integer references users(id), body text);
        insert into users values (1, 'a'), (2, 'b');
        insert into messages values (1, 1, 2, 'hi');
        """
    )
    con.close()
    explorer = await Explorer.open(str(path))
    try:
        message = explorer.mapping.classes["Message"]
        user = explorer.mapping.classes["User"]
        assert {"author", "recipient"} <= set(explorer.mapping.relationships(message))
        assert {"author_messages", "recipient_messages"} <= set(explorer.mapping.relationships(user))
        report = await explorer.run("select(Message).options(joinedload(Message.author), joinedload(Message.recipient))")
        assert report.ok
        m = report.scalars[0]
        assert (m.author.name, m.recipient.name) == ("a", "b")
    finally:
        await explorer.close()

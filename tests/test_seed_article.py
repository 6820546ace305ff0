"""The seed article's examples run as cells on the sample: the await-chain and the five 2.0 CRUD forms."""

from __future__ import annotations

from engine_helpers import count, run_cell
from sqla_explore.sample_db.data import NOTABLE

EMAIL = NOTABLE["first_user_email"]


async def test_get_user_by_email_chain(sample_url):
    cell = f"email = {EMAIL!r}\n(await db.execute(select(User).where(User.email == email))).scalars().first()"
    report = await run_cell(sample_url, cell)
    assert report.ok, report.error
    assert report.kind == "chain"
    assert report.chain.consumer == "scalars().first()"
    assert report.chain.value.email == EMAIL
    assert report.result_class == "ChunkedIteratorResult"
    assert report.rows[0][0].email == EMAIL  # the boxes of the same result are shown too


async def test_crud_first(sample_url):
    report = await run_cell(sample_url, "(await db.execute(select(User))).scalars().first()")
    assert report.ok and report.chain.value.id == 1


async def test_crud_all(sample_url):
    report = await run_cell(sample_url, "(await db.execute(select(User))).scalars().all()")
    assert report.ok and len(report.chain.value) == 1000


async def test_crud_one_by_name(sample_url):
    name = NOTABLE["first_user_name"]
    report = await run_cell(sample_url, f"name = {name!r}\n(await db.execute(select(User).where(User.name == name))).scalars().one()")
    assert report.ok and report.chain.value.name == name
    dup = NOTABLE["duplicate_name"]
    report = await run_cell(sample_url, f"(await db.execute(select(User).where(User.name == {dup!r}))).scalars().one()")
    assert report.chain.error.type == "MultipleResultsFound"
    assert report.error.type == "MultipleResultsFound"
    assert len(report.rows) == 2  # the layers still show what came back


async def test_crud_add_commit(sample_url):
    cell = (
        "from datetime import datetime\n"
        "user = User(email='crud@example.com', name='Crud', is_active=True, created_at=datetime(2025, 4, 12))\n"
        "db.add(user)\n"
        "await db.commit()"
    )
    report = await run_cell(sample_url, cell)
    assert report.ok and report.commit_requested and report.rolled_back
    assert await count(sample_url, "users", "where email = 'crud@example.com'") == 0


async def test_crud_update(sample_url):
    cell = "id = 3\nnew_name = 'Renamed'\nawait db.execute(update(User).where(User.id == id).values(name=new_name))"
    report = await run_cell(sample_url, cell)
    assert report.ok and report.kind == "dml" and report.rowcount == 1 and report.rolled_back


async def test_db_get_helper(sample_url):
    report = await run_cell(sample_url, f"await db_get(db, User, email={EMAIL!r})")
    assert report.ok and report.value.id == 1 and report.kind == "chain"


async def test_result_then_consumer_chain_and_joined_rule(sample_url):
    report = await run_cell(
        sample_url, "(await db.execute(select(User).options(joinedload(User.posts)).where(User.id < 3))).scalars().all()"
    )
    assert report.chain.error.type == "InvalidRequestError"  # exactly what the app would get
    report = await run_cell(
        sample_url,
        "(await db.execute(select(User).options(joinedload(User.posts)).where(User.id < 3))).unique().scalars().all()",
    )
    assert report.ok and len(report.chain.value) == 2


async def test_scalars_and_scalar_shortcuts(sample_url):
    report = await run_cell(sample_url, "(await db.scalars(select(User).where(User.id < 4))).all()")
    assert report.ok and [u.id for u in report.chain.value] == [1, 2, 3]
    report = await run_cell(sample_url, "await db.scalar(select(func.count()).select_from(User))")
    assert report.ok and report.value == 1000 and report.chain.consumer == "scalar()"


async def test_awaited_legacy_query_shows_the_real_error_and_the_2_0_form(sample_url):
    report = await run_cell(sample_url, f"await db.query(User).filter(User.email == {EMAIL!r}).first()")
    assert report.error.type == "AttributeError"
    assert report.error.message == "'AsyncSession' object has no attribute 'query'"
    assert report.rosetta["modern"].startswith("(await db.execute(select(User)")
    assert report.rosetta["legacy_error"]["type"] == "TypeError"  # what a sync Session gives instead


async def test_legacy_crud_rows_run_as_their_translation(sample_url):
    report = await run_cell(sample_url, "db.query(User).filter(User.name == 'Ada Lovelace').one()")
    assert report.ok and report.rosetta["same_result"] is True
    assert report.chain.value.email == EMAIL
    report = await run_cell(sample_url, "db.query(User).filter(User.id == 3).update({User.name: 'New'})")
    assert report.ok and report.rolled_back and report.rosetta["same_result"] is True

"""Rosetta's translation, pure syntax trees (no database): legacy Query code in, 2.0 await-chains out."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sqla_explore.queries.rosetta import Untranslatable, is_legacy, legacy_constructs, translate, try_translate


def same_code(actual: str, expected: str) -> bool:
    return ast.dump(ast.parse(actual)) == ast.dump(ast.parse(expected))


# The seed article's CRUD table, each row: (sync, 2.0). The update row gets `.rowcount`, which is what
# Query.update() returned, so the two forms give the same value; the first() row gets `.limit(1)`, which
# Query.first() sent (the article leaves it out: see test_first_limit_option).
SEED_TABLE = [
    ("db.query(User).first()", "(await db.execute(select(User).limit(1))).scalars().first()"),
    ("db.query(User).all()", "(await db.execute(select(User))).scalars().all()"),
    (
        "db.query(User).filter(User.name == name).one()",
        "(await db.execute(select(User).where(User.name == name))).scalars().one()",
    ),
    ("db.add(user); db.commit()", "db.add(user); await db.commit()"),
    (
        "db.query(User).filter(User.id == id).update({User.name: new_name})",
        "(await db.execute(update(User).where(User.id == id).values(name=new_name))).rowcount",
    ),
]


@pytest.mark.parametrize(("legacy", "modern"), SEED_TABLE, ids=[row[0] for row in SEED_TABLE])
def test_seed_table_rows(legacy, modern):
    assert is_legacy(legacy)
    out = translate(legacy)
    assert same_code(out, modern), out
    assert not is_legacy(out)


@pytest.mark.parametrize(
    ("legacy", "modern"),
    [
        ("db.query(User).filter_by(email=e).one_or_none()",
         "(await db.execute(select(User).filter_by(email=e))).scalars().one_or_none()"),
        ("db.query(User).order_by(User.id.desc()).limit(5).offset(10).all()",
         "(await db.execute(select(User).order_by(User.id.desc()).limit(5).offset(10))).scalars().all()"),
        ("db.query(User).join(Post).filter(Post.id < 3).all()",
         "(await db.execute(select(User).join(Post).where(Post.id < 3))).scalars().all()"),
        ("db.query(User).options(selectinload(User.posts)).all()",
         "(await db.execute(select(User).options(selectinload(User.posts)))).scalars().all()"),
        ("db.query(User).options(joinedload(User.posts)).all()",
         "(await db.execute(select(User).options(joinedload(User.posts)))).unique().scalars().all()"),
        ("db.query(User).count()",
         "(await db.execute(select(func.count()).select_from(select(User).subquery()))).scalar_one()"),
        ("db.query(User).get(1)", "await db.get(User, 1)"),
        ("db.query(User).options(selectinload(User.posts)).get(1)",
         "await db.get(User, 1, options=[selectinload(User.posts)])"),
        ("db.query(func.count(User.id)).scalar()", "(await db.execute(select(func.count(User.id)))).scalar_one_or_none()"),
        ("db.query(User).filter(User.id == 1).delete()", "(await db.execute(delete(User).where(User.id == 1))).rowcount"),
        ("db.query(User).filter_by(id=1).update({'name': 'x'}, synchronize_session=False)",
         "(await db.execute(update(User).filter_by(id=1).values(name='x')"
         ".execution_options(synchronize_session=False))).rowcount"),
        # Several entities or columns: rows, not scalars.
        ("db.query(User.id, User.name).first()", "(await db.execute(select(User.id, User.name).limit(1))).first()"),
        ("db.query(User, Post).join(Post).all()", "(await db.execute(select(User, Post).join(Post))).all()"),
        ("db.query(User.name).all()", "(await db.execute(select(User.name))).all()"),
        ("db.query(User).with_entities(User.id).all()", "(await db.execute(select(User).with_only_columns(User.id))).all()"),
        # A bare query is a statement; the engine runs it.
        ("db.query(User).filter(User.id < 3)", "select(User).where(User.id < 3)"),
        ("db.query(User).filter(User.id < 3).statement", "select(User).where(User.id < 3)"),
        ("db.query(User).filter(User.id == 1).first().name",
         "(await db.execute(select(User).where(User.id == 1).limit(1))).scalars().first().name"),
        ("db.query(User).filter(User.id.in_(db.query(Post.user_id).subquery())).all()",
         "(await db.execute(select(User).where(User.id.in_(select(Post.user_id).subquery())))).scalars().all()"),
        ("db.execute('select 1').scalar()", "(await db.execute(text('select 1'))).scalar()"),
        ("db.refresh(u)\ndb.delete(u)\ndb.flush()", "await db.refresh(u)\nawait db.delete(u)\nawait db.flush()"),
        ("session.query(User).first()", "(await session.execute(select(User).limit(1))).scalars().first()"),
        ("self.db.query(User).all()", "(await self.db.execute(select(User))).scalars().all()"),
    ],
)
def test_translations(legacy, modern):
    out = translate(legacy)
    assert same_code(out, modern), out


def test_query_variable_is_tracked():
    out = translate("q = db.query(User).filter(User.is_active == True)\nq = q.order_by(User.id)\nq.first()")
    assert same_code(
        out,
        "q = select(User).where(User.is_active == True)\nq = q.order_by(User.id)\n(await db.execute(q.limit(1))).scalars().first()",
    )


def test_iteration_executes_the_query():
    out = translate("for u in db.query(User).limit(3):\n    print(u.name)")
    assert same_code(out, "for u in (await db.execute(select(User).limit(3))).scalars():\n    print(u.name)")
    out = translate("[n for (n,) in db.query(User.name).limit(3)]")
    assert same_code(out, "[n for (n,) in (await db.execute(select(User.name).limit(3)))]")


def test_functions_become_async_and_calls_awaited():
    legacy = (
        "def get_user(db: Session, email: str):\n"
        "    return db.query(User).filter(User.email == email).first()\n"
        "get_user(db, 'ada@example.com')"
    )
    modern = (
        "from sqlalchemy.ext.asyncio import AsyncSession\n"
        "async def get_user(db: AsyncSession, email: str):\n"
        "    return (await db.execute(select(User).where(User.email == email).limit(1))).scalars().first()\n"
        "await get_user(db, 'ada@example.com')"
    )
    assert same_code(translate(legacy), modern)


def test_a_parameter_annotated_session_is_a_session_whatever_its_name():
    legacy = "def count_users(s: Session):\n    return s.query(User).count()\ncount_users(db)"
    assert is_legacy(legacy)
    out = translate(legacy)
    assert "await s.execute(select(func.count())" in out
    assert out.startswith("from sqlalchemy.ext.asyncio import AsyncSession\n")
    assert "await count_users(db)" in out
    assert not is_legacy("def f(s):\n    return s.query(User).first()")  # no annotation: not ours to judge


def test_the_failing_await_becomes_the_2_0_form():
    legacy = "await db.query(User).filter(User.email == email).first()"
    assert is_legacy(legacy)
    assert same_code(translate(legacy), "(await db.execute(select(User).where(User.email == email).limit(1))).scalars().first()")


def test_run_in_threadpool_around_legacy_code_is_unwrapped():
    out = translate("await run_in_threadpool(lambda: db.query(User).all())")
    assert same_code(out, "(await db.execute(select(User))).scalars().all()")


def test_first_limit_option():
    # Query.first() sent LIMIT 1; the 2.0 form says it, or it would fetch every row to keep one.
    out = translate("db.query(User).first()")
    assert same_code(out, "(await db.execute(select(User).limit(1))).scalars().first()")
    # The seed article's table leaves it out: available, not the default.
    out = translate("db.query(User).first()", first_limit=False)
    assert same_code(out, "(await db.execute(select(User))).scalars().first()")


def test_known_entities_decide_scalars_or_rows():
    # With the mapped class names known, a capitalised non-class is a column expression: rows.
    assert ".scalars()" not in translate("db.query(Total).all()", entities={"User"})
    assert ".scalars()" in translate("db.query(User).all()", entities={"User"})


@pytest.mark.parametrize(
    ("legacy", "construct"),
    [
        ("db.query(User).limit(3).update({User.name: 'x'})", "Query.update() after .limit()"),
        ("db.query(User).order_by(User.id).delete()", "Query.delete() after .order_by()"),
        ("db.query(User).filter(User.id == 1).get(1)", "Query.get() after .filter()"),
        ("db.query(User).frobnicate()", "Query.frobnicate()"),
        ("db.query(User).join('posts').all()", "Query.join() with a string"),
        ("db.query(User.id, User.name).get(1)", "Query.get() on several entities"),
        ("db.query().all()", "db.query() with no entity"),
        ("list(map(lambda i: db.query(User).get(i), [1, 2]))", "a legacy query inside a lambda"),
        ("db.query(User).first(5)", "Query.first() with arguments"),
    ],
)
def test_untranslatable_names_the_construct(legacy, construct):
    with pytest.raises(Untranslatable) as info:
        translate(legacy)
    assert info.value.construct == construct
    assert construct in str(info.value)
    assert try_translate(legacy) == info.value


def test_modern_code_is_not_legacy():
    for cell in [
        "(await db.execute(select(User))).scalars().first()",
        "await db.run_sync(lambda s: s.query(User).first())",  # sync code on purpose, inside run_sync
        "select(User).where(User.id == 1)",
        "db.add(User(name='x'))\nawait db.commit()",
        "select * from users",  # SQL, not Python
        "",
    ]:
        assert not is_legacy(cell), cell
    assert legacy_constructs("db.commit()") == ["db.commit() without await"]
    assert legacy_constructs("x.query(User).all()") == []  # not the explorer's session


def test_syntax_error_propagates():
    with pytest.raises(SyntaxError):
        translate("db.query(User).filter(")


# -- property: any chain of the supported methods translates, parses, and keeps its filters ----------
STEPS = st.sampled_from(
    [
        ("filter", "User.id > 3"),
        ("filter_by", "is_active=True"),
        ("order_by", "User.id"),
        ("limit", "5"),
        ("offset", "2"),
        ("options", "selectinload(User.posts)"),
        ("join", "Post"),
        ("distinct", ""),
    ]
)
TERMINAL = st.sampled_from(["", ".first()", ".all()", ".one()", ".one_or_none()", ".count()", ".scalar()"])
ENTITIES = st.sampled_from(["User", "User.id, User.name", "User.email", "User, Post"])


@settings(max_examples=150, deadline=None)
@given(entities=ENTITIES, steps=st.lists(STEPS, max_size=6), terminal=TERMINAL)
def test_any_supported_chain_translates(entities, steps, terminal):
    legacy = f"db.query({entities})" + "".join(f".{m}({a})" for m, a in steps) + terminal
    modern = translate(legacy)
    tree = ast.parse(modern)
    assert not is_legacy(modern)
    assert ".query(" not in modern
    # Every filter survives as a where(); nothing is invented or lost.
    calls = [n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]
    assert calls.count("where") == sum(1 for m, _ in steps if m == "filter")
    assert calls.count("filter_by") == sum(1 for m, _ in steps if m == "filter_by")
    # ... except first()'s LIMIT 1, which Query.first() sent itself.
    assert calls.count("limit") == sum(1 for m, _ in steps if m == "limit") + (terminal == ".first()")
    if terminal:
        assert "await db.execute(" in modern
        assert ("scalars" in calls) == (entities == "User" and terminal in (".first()", ".all()", ".one()", ".one_or_none()"))
    else:
        assert "await" not in modern
    # Translating the 2.0 form again changes nothing.
    assert same_code(translate(modern), modern)

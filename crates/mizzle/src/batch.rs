//! `db.batch((q1, q2, …))`: several queries in one round trip, atomically, with a typed
//! result per query. On D1 this is `D1Database::batch` (one implicit transaction); natively,
//! one SQLite transaction. There is no `transaction()`: D1 has no `BEGIN`.

use crate::query::{Delete, Insert, Raw, Returning, ReturningWrite, Select, Update};
use crate::{Db, ExecMeta, Executor, FromRow, Output, Result, Statement, Table};

/// A query that can be part of a batch: its statements, and how to read their outputs.
pub trait BatchItem {
    /// What it returns.
    type Output;
    /// Its statements (an insert of many rows may be several).
    fn statements(&self) -> Result<Vec<Statement>>;
    /// Reads its result from the outputs of its statements.
    fn decode(outputs: Vec<Output>) -> Result<Self::Output>;
}

fn sum_meta(outputs: &[Output]) -> ExecMeta {
    let mut meta = ExecMeta::default();
    for o in outputs {
        meta.rows_affected += o.meta.rows_affected;
        if o.meta.last_insert_id != 0 {
            meta.last_insert_id = o.meta.last_insert_id;
        }
    }
    meta
}

fn rows<R: FromRow>(outputs: Vec<Output>) -> Result<Vec<R>> {
    let mut all = Vec::new();
    for o in outputs {
        all.extend(o.rows);
    }
    crate::exec::decode_all(all)
}

impl<E: Executor, T: Table> BatchItem for Select<'_, E, T> {
    type Output = Vec<T::Row>;
    fn statements(&self) -> Result<Vec<Statement>> {
        Ok(vec![self.to_statement()])
    }
    fn decode(outputs: Vec<Output>) -> Result<Self::Output> {
        rows(outputs)
    }
}

impl<E: Executor, T: Table> BatchItem for Insert<'_, E, T> {
    type Output = ExecMeta;
    fn statements(&self) -> Result<Vec<Statement>> {
        self.to_statements()
    }
    fn decode(outputs: Vec<Output>) -> Result<ExecMeta> {
        Ok(sum_meta(&outputs))
    }
}

impl<E: Executor, T: Table> BatchItem for Update<'_, E, T> {
    type Output = ExecMeta;
    fn statements(&self) -> Result<Vec<Statement>> {
        self.to_statements()
    }
    fn decode(outputs: Vec<Output>) -> Result<ExecMeta> {
        Ok(sum_meta(&outputs))
    }
}

impl<E: Executor, T: Table> BatchItem for Delete<'_, E, T> {
    type Output = ExecMeta;
    fn statements(&self) -> Result<Vec<Statement>> {
        self.to_statements()
    }
    fn decode(outputs: Vec<Output>) -> Result<ExecMeta> {
        Ok(sum_meta(&outputs))
    }
}

impl<'a, E: Executor + 'a, T: Table, Q: ReturningWrite<'a, E, T>> BatchItem
    for Returning<'a, E, T, Q>
{
    type Output = Vec<T::Row>;
    fn statements(&self) -> Result<Vec<Statement>> {
        self.to_statements()
    }
    fn decode(outputs: Vec<Output>) -> Result<Self::Output> {
        rows(outputs)
    }
}

impl<E: Executor> BatchItem for Raw<'_, E> {
    type Output = Output;
    fn statements(&self) -> Result<Vec<Statement>> {
        Ok(vec![self.statement().clone()])
    }
    fn decode(outputs: Vec<Output>) -> Result<Output> {
        let meta = sum_meta(&outputs);
        Ok(Output {
            rows: outputs.into_iter().flat_map(|o| o.rows).collect(),
            meta,
        })
    }
}

impl<E: Executor, Q, G: crate::join::Segments> BatchItem for crate::join::JoinSelect<'_, E, Q, G> {
    type Output = Vec<G::Out>;
    fn statements(&self) -> Result<Vec<Statement>> {
        Ok(vec![self.to_statement()])
    }
    fn decode(outputs: Vec<Output>) -> Result<Self::Output> {
        crate::exec::decode_positional(outputs.into_iter().flat_map(|o| o.rows), G::decode)
    }
}

impl<E: Executor, Q, P: crate::join::Projection<Q, I>, I> BatchItem
    for crate::join::Project<'_, E, Q, P, I>
{
    type Output = Vec<P::Output>;
    fn statements(&self) -> Result<Vec<Statement>> {
        Ok(vec![self.to_statement()])
    }
    fn decode(outputs: Vec<Output>) -> Result<Self::Output> {
        crate::exec::decode_positional(outputs.into_iter().flat_map(|o| o.rows), P::decode)
    }
}

/// Several [`BatchItem`]s: tuples of up to eight, and `Vec`s of one kind.
pub trait Batch {
    /// The tuple (or `Vec`) of their outputs.
    type Output;
    /// Every statement, and how many belong to each item.
    fn statements(&self) -> Result<(Vec<Statement>, Vec<usize>)>;
    /// Splits the outputs back per item and decodes them.
    fn decode(outputs: Vec<Output>, counts: &[usize]) -> Result<Self::Output>;
}

fn take(outputs: &mut std::vec::IntoIter<Output>, n: usize) -> Vec<Output> {
    outputs.by_ref().take(n).collect()
}

macro_rules! batch_tuple {
    ($($q:ident $i:tt),+) => {
        impl<$($q: BatchItem),+> Batch for ($($q,)+) {
            type Output = ($($q::Output,)+);
            fn statements(&self) -> Result<(Vec<Statement>, Vec<usize>)> {
                let mut all = Vec::new();
                let mut counts = Vec::new();
                $(
                    let s = self.$i.statements()?;
                    counts.push(s.len());
                    all.extend(s);
                )+
                Ok((all, counts))
            }
            fn decode(outputs: Vec<Output>, counts: &[usize]) -> Result<Self::Output> {
                let mut it = outputs.into_iter();
                Ok(($($q::decode(take(&mut it, counts[$i]))?,)+))
            }
        }
    };
}
batch_tuple!(A 0);
batch_tuple!(A 0, B 1);
batch_tuple!(A 0, B 1, C 2);
batch_tuple!(A 0, B 1, C 2, D 3);
batch_tuple!(A 0, B 1, C 2, D 3, F 4);
batch_tuple!(A 0, B 1, C 2, D 3, F 4, G 5);
batch_tuple!(A 0, B 1, C 2, D 3, F 4, G 5, H 6);
batch_tuple!(A 0, B 1, C 2, D 3, F 4, G 5, H 6, I 7);

impl<Q: BatchItem> Batch for Vec<Q> {
    type Output = Vec<Q::Output>;
    fn statements(&self) -> Result<(Vec<Statement>, Vec<usize>)> {
        let mut all = Vec::new();
        let mut counts = Vec::new();
        for q in self {
            let s = q.statements()?;
            counts.push(s.len());
            all.extend(s);
        }
        Ok((all, counts))
    }
    fn decode(outputs: Vec<Output>, counts: &[usize]) -> Result<Self::Output> {
        let mut it = outputs.into_iter();
        counts
            .iter()
            .map(|n| Q::decode(take(&mut it, *n)))
            .collect()
    }
}

impl<E: Executor> Db<E> {
    /// Runs queries in one round trip, atomically: if one statement fails, none of them
    /// takes effect. Returns each query's result, typed:
    ///
    /// ```text
    /// let (post, tagged, n) = db.batch((
    ///     db.insert(posts::table).values(new_post).returning(),
    ///     db.insert(post_tags::table).values_many(links),
    ///     db.select(posts::table).filter(posts::author_id.eq(1)),
    /// )).await?;
    /// ```
    pub async fn batch<B: Batch>(&self, queries: B) -> Result<B::Output> {
        let (stmts, counts) = queries.statements()?;
        let outputs = self.batch_statements(stmts).await?;
        B::decode(outputs, &counts)
    }
}

//! Plans of dependent inserts (users → posts → comments, each child taking its parent's
//! key with `set_from_last_insert`) for tests/dependent_batches.rs (SQLite, property test)
//! and tests/d1_e2e.rs (a sample on local D1), and the check of what a run wrote.

#![allow(dead_code)]

use mizzle_example::api::{PlanItem, PlanOutcome, PlanTable, plan_expected};

/// A tree of inserts: an item and its children's subtrees.
#[derive(Debug, Clone)]
pub struct Tree {
    pub item: PlanItem,
    pub children: Vec<Tree>,
}

/// The tree's items depth first (each item, then its children's subtrees): an order every
/// batch must accept, each child attached to its own parent.
pub fn depth_first(tree: &Tree, out: &mut Vec<PlanItem>) {
    out.push(tree.item);
    for c in &tree.children {
        depth_first(c, out);
    }
}

/// Breadth first (every post, then every comment): an order a batch may refuse.
pub fn breadth_first(tree: &Tree) -> Vec<PlanItem> {
    let mut out = Vec::new();
    let mut level = vec![tree];
    while !level.is_empty() {
        out.extend(level.iter().map(|t| t.item));
        level = level.iter().flat_map(|t| t.children.iter()).collect();
    }
    out
}

/// A tree from a stream of numbers (a PRNG or proptest's choices): `levels` deep (1 to 3),
/// 1 to 5 children a node; a node with children has one row, a leaf 1 to 3.
pub fn tree(levels: usize, next: &mut impl FnMut(usize) -> usize) -> Tree {
    fn node(table: PlanTable, left: usize, next: &mut impl FnMut(usize) -> usize) -> Tree {
        let child = match table {
            PlanTable::Users => PlanTable::Posts,
            _ => PlanTable::Comments,
        };
        let children: Vec<Tree> = if left == 0 {
            Vec::new()
        } else {
            (0..1 + next(5))
                .map(|_| node(child, left - 1, next))
                .collect()
        };
        let rows = if children.is_empty() { 1 + next(3) } else { 1 };
        Tree {
            item: PlanItem { table, rows },
            children,
        }
    }
    node(PlanTable::Users, levels.clamp(1, 3) - 1, next)
}

/// Checks one run of `plan`: refused only when `must_accept` is false, and then nothing
/// written (`written` counts the rows carrying the prefix); else every child row names
/// the row it had to name.
pub fn check(
    prefix: &str,
    plan: &[PlanItem],
    outcome: &PlanOutcome,
    written: usize,
    must_accept: bool,
) {
    match outcome {
        PlanOutcome::Refused(message) => {
            assert!(!must_accept, "{plan:?} refused: {message}");
            assert_eq!(written, 0, "a refused batch wrote rows: {plan:?}");
            assert!(
                message.contains("set_from_last_insert") && message.contains("db.batch(("),
                "the refusal shows the spelling that works: {message}"
            );
        }
        PlanOutcome::Links(links) => {
            let expected = plan_expected(prefix, plan)
                .unwrap_or_else(|| panic!("{plan:?}: accepted though a child has no parent row"));
            let mut links = links.clone();
            links.sort();
            assert_eq!(
                links, expected,
                "{plan:?}: a child row names the wrong parent"
            );
        }
    }
}

//! Answers for administrators, from the compiled index: what a change of policy does to
//! people's access (`diff`), and why a request was refused and what would grant it
//! (`explain`). Who holds a grant (`who_can`) is the decision routine's own, in `rbac`.

pub mod diff;
pub mod explain;

pub use diff::{Change, DiffPrincipal, PolicyDiff, PrincipalKind, Region, TenantMove, compile_setup, diff_policies};
pub use explain::{Change as SuggestedChange, Explanation, Suggestion, explain};

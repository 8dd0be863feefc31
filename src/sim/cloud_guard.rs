//! Cloud Guard (`/20200131`): GetProblem over the problems registered with
//! [`super::Simulator::add_problem`] (the simulator detects nothing itself).

use super::answer::Answer;
use super::call::Call;
use super::error::{not_found, SimError};

pub(crate) fn get_problem(call: &Call<'_>, id: &str) -> Result<Answer, SimError> {
    let st = call.sim.state();
    let problem = st.problems.get(id).ok_or_else(|| not_found("Cloud Guard problem"))?;
    Ok(Answer::read(problem.clone()))
}

//! Which participant may send which co-browse message: checked before any message is handled.

use crate::engine::Role;
use crate::web::binary::BinaryFrame;
use crate::web::protocol::ClientMsg;

/// Which role may send which message; every other combination is refused.
pub(super) fn permitted(role: &Role, message: &ClientMsg<'_>) -> Result<(), &'static str> {
    let customer = *role == Role::Customer;
    if matches!(role, Role::Supervisor(_)) {
        return match message {
            ClientMsg::Ping => Ok(()),
            _ => Err("a supervisor watches: their console sends nothing to the session"),
        };
    }
    match message {
        ClientMsg::Dom { .. } if !customer => Err("only the customer's page sends page changes"),
        ClientMsg::ControlAnswer { .. } if !customer => {
            Err("only the customer answers a control request")
        }
        ClientMsg::JoinAnswer { .. } if !customer => {
            Err("only the customer lets another agent join")
        }
        ClientMsg::ControlRequest if customer => Err("only an agent asks for control"),
        ClientMsg::ShareRequest if customer => Err("only an agent asks to see the screen"),
        ClientMsg::Action { .. } if customer => Err("only an agent sends actions"),
        ClientMsg::Annotate { .. } if customer => Err("only an agent annotates the page"),
        ClientMsg::Front if !customer => Err("only the customer's tabs come to the front"),
        _ => Ok(()),
    }
}

/// Which role may send which binary frame: page changes are the customer's, the laser an agent's.
pub(super) fn permitted_binary(role: &Role, frame: &BinaryFrame) -> Result<(), &'static str> {
    let customer = *role == Role::Customer;
    match frame {
        _ if matches!(role, Role::Supervisor(_)) => {
            Err("a supervisor watches: their console sends nothing to the session")
        }
        BinaryFrame::Dom { .. } if !customer => {
            Err("only the customer's page sends page changes (binary frames)")
        }
        BinaryFrame::Pointer { laser: true, .. } if customer => Err(
            "only an agent points with the laser; send the pointer without the laser bit (byte 0 = 2)",
        ),
        _ => Ok(()),
    }
}

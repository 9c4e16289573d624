//! A method's declared parameters, and the decoded values of one call in their order.
//! The protocol layer decides what "absent" means on its binding; operations only see
//! the values.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    Str,
    Int,
    Bool,
}

#[derive(Debug)]
pub struct Param {
    /// The one declared spelling (the method's SOAP example, docs/compatibility.md A2).
    pub name: &'static str,
    pub kind: ParamKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `None` is null: a SOAP element that was omitted (or `xsi:nil`).
    Str(Option<String>),
    Int(i32),
    Bool(bool),
}

impl Value {
    /// The value a parameter of this kind has when the request leaves it out.
    pub fn absent(kind: ParamKind) -> Value {
        match kind {
            ParamKind::Str => Value::Str(None),
            ParamKind::Int => Value::Int(0),
            ParamKind::Bool => Value::Bool(false),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Args {
    /// The method's name, for the debug check's message.
    method: &'static str,
    params: &'static [Param],
    values: Vec<Value>,
}

impl Args {
    /// `values` must follow `params`; a missing tail counts as absent.
    pub(super) fn new(
        method: &'static str,
        params: &'static [Param],
        mut values: Vec<Value>,
    ) -> Args {
        for param in params.iter().skip(values.len()) {
            values.push(Value::absent(param.kind));
        }
        Args {
            method,
            params,
            values,
        }
    }

    /// The value of `name`. A handler reads only the parameters its method declares:
    /// debug builds (the test suite) check it on every read.
    fn get(&self, name: &str) -> Option<&Value> {
        debug_assert!(
            self.params.iter().any(|p| p.name == name),
            "{} reads {name:?}, which it does not declare",
            self.method
        );
        self.params
            .iter()
            .position(|p| p.name == name)
            .and_then(|i| self.values.get(i))
    }

    /// A string parameter; `None` when it is null.
    pub fn str(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(Value::Str(v)) => v.as_deref(),
            _ => None,
        }
    }

    /// An `int` parameter; an omitted SOAP element reads as 0, as in ASMX.
    pub fn int(&self, name: &str) -> i32 {
        match self.get(name) {
            Some(Value::Int(v)) => *v,
            _ => 0,
        }
    }

    /// A `bool` parameter; an omitted SOAP element reads as false, as in ASMX.
    pub fn bool(&self, name: &str) -> bool {
        matches!(self.get(name), Some(Value::Bool(true)))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "reads \"NoSuchParam\", which it does not declare")]
    fn reading_an_undeclared_parameter_fails_in_debug_builds() {
        let method = crate::ops::find("AuthenticateUser").expect("declared");
        method.args(Vec::new()).str("NoSuchParam");
    }
}

//! `named_enum!`: fieldless enumerations whose members each have one name, written once.
//!
//! The name is what JSON carries, what every binding shows and what `as_str` returns; the macro derives the
//! enum, `ALL`, `as_str`, `from_name`, `Serialize`, `Deserialize` and (with the `schema` feature) the JSON Schema from the one
//! list, so no second list of names exists anywhere.

/// Declares a fieldless enum from `Variant = "name"` pairs (see the module documentation).
#[macro_export]
macro_rules! named_enum {
    (
        $(#[doc = $doc:literal])*
        pub enum $Name:ident {
            $( $(#[doc = $variant_doc:literal])* $Variant:ident = $name:literal, )+
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $Name {
            $( $(#[doc = $variant_doc])* $Variant, )+
        }

        impl $Name {
            /// Every member, in declaration order.
            pub const ALL: [$Name; <[&str]>::len(&[$($name),+])] = [$($Name::$Variant),+];

            /// The member's name, as JSON and every binding spell it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( $Name::$Variant => $name, )+
                }
            }

            /// The member with this name (spelled as [`Self::as_str`] spells it).
            pub fn from_name(name: &str) -> Option<$Name> {
                match name {
                    $( $name => Some($Name::$Variant), )+
                    _ => None,
                }
            }
        }

        impl ::std::fmt::Display for $Name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $Name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $Name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let name = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                $Name::from_name(&name).ok_or_else(|| {
                    <D::Error as ::serde::de::Error>::unknown_variant(&name, &[$($name),+])
                })
            }
        }

        #[cfg(feature = "schema")]
        impl ::schemars::JsonSchema for $Name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($Name))
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({
                    "description": $crate::named::doc_text(concat!($($doc, "\n"),*)),
                    "oneOf": [ $( {
                        "const": $name,
                        "title": stringify!($Variant),
                        "description": $crate::named::doc_text(concat!($($variant_doc, "\n"),*)),
                    } ),+ ]
                })
            }
        }
    };
}

/// A doc comment's text as one paragraph: lines trimmed and joined by spaces.
#[cfg(feature = "schema")]
pub fn doc_text(doc: &str) -> String {
    doc.lines().map(str::trim).filter(|line| !line.is_empty()).collect::<Vec<_>>().join(" ")
}

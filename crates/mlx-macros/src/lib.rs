//! # mlx-macros
//!
//! `#[derive(Module)]` for `mlx-nn`: a plain struct whose fields are
//! arrays, layers, `Vec`s, `Option`s and string-keyed maps of them gets
//! MLX's parameter traversal (`parameters`, `update`, `freeze`, printing)
//! from the `mlx_nn::Module` trait.
//!
//! Field rules (MLX's, where a Python attribute is a parameter when it is
//! an array, a module, a list or a dict and its name does not start with
//! `_`):
//!
//! - every named field goes through `mlx_nn::ModuleValue`, which arrays,
//!   modules, `Vec`, `Option`, `Box`, `BTreeMap<String, _>` and
//!   `HashMap<String, _>` implement, and which plain numbers, `bool`,
//!   `String` and `Dtype` implement as "not a parameter";
//! - a field whose name starts with `_` or is marked `#[module(skip)]` is
//!   left out (use it for fields of your own non-parameter types);
//! - a field of type `ModuleState` (or marked `#[module(state)]`) holds the
//!   module's training flag and frozen-parameter names.
//!
//! Struct attributes: `#[module(extra_repr)]` prints the constructor
//! arguments from the struct's `mlx_nn::ExtraRepr` impl;
//! `#[module(name = "Name")]` changes the printed type name;
//! `#[module(crate = "path")]` names the `mlx_nn` crate when it is
//! re-exported (e.g. `"mlx::nn"`).
//!
//! ```ignore
//! use mlx_nn::{Linear, Module};
//! #[derive(Module)]
//! struct Mlp {
//!     layers: Vec<Linear>,
//! }
//! ```

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::{quote, ToTokens};
use syn::{parse_macro_input, Data, DeriveInput, Fields, LitStr, Type};

/// Derive `mlx_nn::Module` (and `ModuleValue` and `Display`) for a struct
/// with named fields. See the crate documentation for the field rules.
#[proc_macro_derive(Module, attributes(module))]
pub fn derive_module(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(input) {
        Ok(ts) => ts.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

struct StructOpts {
    extra_repr: bool,
    name: Option<String>,
    krate: Option<syn::Path>,
}

fn struct_opts(input: &DeriveInput) -> syn::Result<StructOpts> {
    let mut opts = StructOpts {
        extra_repr: false,
        name: None,
        krate: None,
    };
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("module")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("extra_repr") {
                opts.extra_repr = true;
                Ok(())
            } else if meta.path.is_ident("name") {
                opts.name = Some(meta.value()?.parse::<LitStr>()?.value());
                Ok(())
            } else if meta.path.is_ident("crate") {
                opts.krate = Some(meta.value()?.parse::<LitStr>()?.parse()?);
                Ok(())
            } else {
                Err(meta.error("expected `extra_repr`, `name = \"..\"` or `crate = \"..\"`"))
            }
        })?;
    }
    Ok(opts)
}

#[derive(PartialEq)]
enum FieldKind {
    Value,
    Skip,
    State,
}

fn field_kind(field: &syn::Field) -> syn::Result<FieldKind> {
    let mut kind = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("module")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("skip") {
                kind = Some(FieldKind::Skip);
                Ok(())
            } else if meta.path.is_ident("state") {
                kind = Some(FieldKind::State);
                Ok(())
            } else {
                Err(meta.error("expected `skip` or `state`"))
            }
        })?;
    }
    if let Some(k) = kind {
        return Ok(k);
    }
    let name = field
        .ident
        .as_ref()
        .map(|i| i.to_string())
        .unwrap_or_default();
    if name.starts_with('_') {
        return Ok(FieldKind::Skip);
    }
    if let Type::Path(p) = &field.ty {
        if p.path
            .segments
            .last()
            .is_some_and(|s| s.ident == "ModuleState")
        {
            return Ok(FieldKind::State);
        }
    }
    Ok(FieldKind::Value)
}

fn expand(input: DeriveInput) -> syn::Result<TokenStream2> {
    let opts = struct_opts(&input)?;
    let krate = opts
        .krate
        .map(|p| p.into_token_stream())
        .unwrap_or_else(|| quote!(::mlx_nn));
    let ident = &input.ident;
    let name = opts.name.unwrap_or_else(|| ident.to_string());
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            ident,
            "derive(Module) supports structs with named fields",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new_spanned(
            ident,
            "derive(Module) supports structs with named fields",
        ));
    };
    let mut values = Vec::new();
    let mut state = None;
    for f in &fields.named {
        let fid = f.ident.clone().expect("named field");
        match field_kind(f)? {
            FieldKind::Value => values.push(fid),
            FieldKind::Skip => {}
            FieldKind::State => {
                if state.is_some() {
                    return Err(syn::Error::new_spanned(
                        f,
                        "derive(Module): only one ModuleState field is allowed",
                    ));
                }
                state = Some(fid);
            }
        }
    }
    let keys: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    let (state_ref, state_mut) = match &state {
        Some(s) => (quote!(Some(&self.#s)), quote!(Some(&mut self.#s))),
        None => (quote!(None), quote!(None)),
    };
    let extra = if opts.extra_repr {
        quote!(<Self as #krate::ExtraRepr>::extra_repr(self))
    } else {
        quote!(::std::string::String::new())
    };
    let (impl_g, ty_g, where_c) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_g #krate::Module for #ident #ty_g #where_c {
            fn module_name(&self) -> ::std::string::String {
                ::std::string::String::from(#name)
            }
            fn children_nodes(&self) -> ::std::vec::Vec<(&'static str, #krate::Node<'_>)> {
                ::std::vec![#((#keys, #krate::ModuleValue::node(&self.#values)),)*]
            }
            fn children_nodes_mut(&mut self) -> ::std::vec::Vec<(&'static str, #krate::NodeMut<'_>)> {
                ::std::vec![#((#keys, #krate::ModuleValue::node_mut(&mut self.#values)),)*]
            }
            fn module_state(&self) -> ::std::option::Option<&#krate::ModuleState> {
                #state_ref
            }
            fn module_state_mut(&mut self) -> ::std::option::Option<&mut #krate::ModuleState> {
                #state_mut
            }
            fn extra_repr(&self) -> ::std::string::String {
                #extra
            }
            fn as_module(&self) -> &dyn #krate::Module {
                self
            }
            fn as_module_mut(&mut self) -> &mut dyn #krate::Module {
                self
            }
        }
        impl #impl_g #krate::ModuleValue for #ident #ty_g #where_c {
            fn node(&self) -> #krate::Node<'_> {
                #krate::Node::Module(self)
            }
            fn node_mut(&mut self) -> #krate::NodeMut<'_> {
                #krate::NodeMut::Module(self)
            }
        }
        impl #impl_g ::std::fmt::Display for #ident #ty_g #where_c {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&#krate::module_repr(self))
            }
        }
    })
}

//! A tour of lazy arrays, ops and printing. Run it with
//! `cargo run --release --example tour`.

use mlx::ops::{self, SliceArg};
use mlx::{array, eval, Array, Dtype};

fn main() -> mlx::Result<()> {
    println!("default device: {}\n", mlx::default_device());

    // Arrays from nested data, slices and creation ops.
    let a = array!([[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]])?;
    let b = Array::from_slice(&[10i32, 20, 30], &[3])?;
    println!("a = {a}");
    println!("b = {b}");

    // Ops are lazy: they record a graph and compute only shape and dtype.
    let c = (&a * &b)?; // broadcasting, int32 promoted to float32
    let d = ops::softmax(&c, &[-1], false)?;
    println!("\nc = a * b is {:?}", c);
    println!("d = softmax(c) is {:?}", d);
    eval(&[&d])?; // evaluation runs the graph once and drops it
    println!("after eval: {:?}\n", d);
    println!("d = {d}");

    // Reductions with axes and keepdims, argmax, cumulative sums.
    println!("\nsum(a, axis=1, keepdims=True) = {}", a.sum(1, true)?);
    println!("mean(a) = {}", a.mean((), false)?);
    println!("var(a, axis=0, ddof=1) = {}", a.var(&[0], false, 1)?);
    println!("argmax(a, axis=-1) = {}", a.argmax(-1, false)?);
    println!("cumsum(b) = {}", b.cumsum((), false, true)?);
    println!("logsumexp(a) = {}", a.logsumexp((), false)?);

    // Matrix products, including MLX's 1-D rules.
    let m = ops::arange(0.0, 6.0, 1.0, None)?.reshape(&[3, 2])?;
    println!("\na @ m = {}", a.matmul(&m)?);
    println!(
        "a @ [1, 1, 1] = {}",
        a.matmul(&ops::ones(&[3], Dtype::Float32)?)?
    );

    // Views: transpose, broadcast and slices share data without copying.
    let x = ops::arange(0, 12, 1, None)?.reshape(&[3, 4])?;
    println!("\nx = {x}");
    println!("x.T = {}", x.t()?);
    println!(
        "x[::-1, 1::2] = {}",
        x.index(&[
            SliceArg::range(None, None, -1),
            SliceArg::range(Some(1), None, 2)
        ])?
    );
    println!(
        "x[..., None, 0] = {}",
        x.index(&[SliceArg::Ellipsis, SliceArg::NewAxis, SliceArg::Index(0)])?
    );

    // Dtypes and MLX's promotion rules.
    let h = ops::full(&[3], 0.1, Dtype::Float16)?;
    println!("\nfloat16 * 2.0 stays float16: {}", (&h * 2.0)?);
    let i8s = Array::from_slice(&[100i8, -100], &[2])?;
    println!(
        "int8 + uint8 promotes to int16: {}",
        (&i8s + &Array::from_slice(&[200u8, 200], &[2])?)?
    );
    let twos = Array::from_slice(&[2i8, 2], &[2])?;
    println!("int8 / int8 gives float32: {}", (&i8s / &twos)?);
    println!(
        "bfloat16: {}",
        ops::linspace(0.0, 1.0, 4, true, Some(Dtype::Bfloat16))?
    );

    // Large arrays print their edges, as MLX does.
    println!("\n{}", ops::arange(0, 2000, 1, None)?);

    // Errors name the op and say what is wrong.
    let err = ops::arange(0, 6, 1, None)?.reshape(&[4]).unwrap_err();
    println!("\nerror: {err}");
    let err = (&a + &Array::from_slice(&[1.0f32, 2.0], &[2])?).unwrap_err();
    println!("error: {err}");
    Ok(())
}

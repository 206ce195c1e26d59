use mlx::{ops, Array};
fn main() -> mlx::Result<()> {
    let a = Array::from_slice(&[1i32, 2, 3, 4, 5, 6], &[2, 3])?;
    println!("{a}");
    println!("{}", a.t()?);
    println!("{}", ops::arange(0, 24, 1, None)?.reshape(&[2, 3, 4])?);
    println!("{}", ops::arange(0.0, 2000.0, 1.0, None)?);
    println!("{}", ops::full(&[2, 2], 2.5, mlx::Dtype::Float16)?);
    println!("{:?}", a.reshape(&[4]).unwrap_err().to_string());
    println!(
        "{}",
        Array::from_slice(&[1.0f32, 2.5, 1e10, 1e-5, f32::NAN, -0.0], &[6])?
    );
    Ok(())
}

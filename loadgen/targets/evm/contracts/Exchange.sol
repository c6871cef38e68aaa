// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

interface IERC20Transfers {
    function transfer(address to, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}

/// Constant-product pools (x·y = k, a 0.30% fee left in the pool, as in ledger/kinds/amm.ts), all
/// in one contract. A swap goes along a route of pools, as the workload's swaps do; each pool's
/// reserves are the hot keys that swaps through it contend on.
contract Exchange {
    struct Pool {
        address token0;
        address token1;
        uint256 reserve0;
        uint256 reserve1;
    }

    uint256 private constant FEE_BPS = 30;
    address public immutable owner;
    Pool[] public pools;

    event Swap(address indexed trader, uint256 amountIn, uint256 amountOut);

    constructor() {
        owner = msg.sender;
    }

    /// The exchange must already hold the reserves (the deployer mints them to it).
    function createPool(address token0, address token1, uint256 reserve0, uint256 reserve1) external {
        require(msg.sender == owner, "only the owner creates pools");
        pools.push(Pool(token0, token1, reserve0, reserve1));
    }

    function poolCount() external view returns (uint256) {
        return pools.length;
    }

    /// `route` is [pool, dir, pool, dir, ...]; dir 0 sends the pool's token0 in. Each hop takes
    /// the token the one before paid out. Reverts, changing nothing, below `minOut`.
    function swap(uint256 amountIn, uint256 minOut, uint256[] calldata route) external returns (uint256 out) {
        require(route.length >= 2 && route.length % 2 == 0, "route: pairs of pool and direction");
        Pool storage first = pools[route[0]];
        IERC20Transfers(route[1] == 0 ? first.token0 : first.token1).transferFrom(msg.sender, address(this), amountIn);
        out = amountIn;
        address inHand;
        for (uint256 i = 0; i < route.length; i += 2) {
            Pool storage p = pools[route[i]];
            bool zeroIn = route[i + 1] == 0;
            require(i == 0 || (zeroIn ? p.token0 : p.token1) == inHand, "route: a hop does not take the token in hand");
            (uint256 rIn, uint256 rOut) = zeroIn ? (p.reserve0, p.reserve1) : (p.reserve1, p.reserve0);
            uint256 inWithFee = out * (10_000 - FEE_BPS);
            uint256 paid = (inWithFee * rOut) / (rIn * 10_000 + inWithFee);
            if (zeroIn) {
                (p.reserve0, p.reserve1) = (rIn + out, rOut - paid);
                inHand = p.token1;
            } else {
                (p.reserve1, p.reserve0) = (rIn + out, rOut - paid);
                inHand = p.token0;
            }
            out = paid;
        }
        require(out >= minOut, "slippage");
        IERC20Transfers(inHand).transfer(msg.sender, out);
        emit Swap(msg.sender, amountIn, out);
    }
}
